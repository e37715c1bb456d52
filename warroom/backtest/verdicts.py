"""Replay score thresholds over the verdicts the workers recorded: each order's latest
enforced verdict keeps its score (its rules' hits summed, as judged then) and the
thresholds of the version replayed map it to an outcome (``scoring.outcome``), so a
draft's review, hold and decline lines show which orders they would have moved. Shadow
verdicts are left out: they never hold an order, whatever the thresholds. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from warroom.backtest.risk import Hits
from warroom.rules.base import Hit
from warroom.rules.risk.scoring import Thresholds, outcome


@dataclass(frozen=True, slots=True)
class Scored:
    """An order's latest verdict as recorded: when, its score, mode and rules, and the
    order's amount."""

    ts: float
    order_id: str
    score: float
    mode: str
    rules: tuple[str, ...]
    amount: Decimal = Decimal(0)


def replay_thresholds(verdicts: Sequence[Scored], params: Thresholds, rule_id: str) -> Hits:
    """Each enforced verdict's order that ``params`` would at least review, with one hit
    carrying the recorded score (so the report's outcome is the thresholds' own) and
    the rules that made it as evidence."""
    hits: Hits = {}
    lines = params.model_dump()
    for v in verdicts:
        if v.mode != "enforce":
            continue
        result = outcome(v.score, params)
        if result == "approve":
            continue
        why = f"recorded score {v.score:g} ({', '.join(v.rules) or 'no rule recorded'}): {result}"
        hits[v.order_id] = [
            Hit(rule_id, f"order:{v.order_id}", v.score, {"score": v.score}, lines, why, v.rules)
        ]
    return hits
