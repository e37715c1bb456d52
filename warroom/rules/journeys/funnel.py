"""Conversion path (转化路径): view → product click → (private message) → order, counted
in viewers who reached each step, and the step where most of them drop. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

STEPS = ("view", "click", "message", "order")
#: The transitions a drop is looked for on (the message step is optional on the way).
PATH = (("view", "click"), ("click", "order"))


def reached(steps: set[str], step: str) -> list[str]:
    """The steps a viewer reaches for the first time by ``step`` (an order or a message
    implies a click and a view, a click a view: platforms do not send every impression).

    >>> reached({"view"}, "order")
    ['click', 'order']
    """
    implied = {
        "view": ["view"],
        "click": ["view", "click"],
        "message": ["view", "click", "message"],
    }
    chain = implied.get(step, ["view", "click", step])
    return [s for s in chain if s not in steps]


@dataclass(frozen=True, slots=True)
class Drop:
    step: str  # "view→click"
    rate: float  # the share that went on
    lost: int


def drop_step(counts: Mapping[str, int]) -> Drop | None:
    """The transition that keeps the smallest share of viewers (None without viewers).

    >>> drop_step({"view": 1000, "click": 50, "message": 5, "order": 20}).step
    'view→click'
    """
    drops = [
        Drop(f"{a}→{b}", counts.get(b, 0) / counts[a], counts[a] - counts.get(b, 0))
        for a, b in PATH
        if counts.get(a, 0) > 0
    ]
    return min(drops, key=lambda d: d.rate, default=None)
