"""Stock guard: how close a SKU is to selling out, from its stock and the pace of orders.

A SKU is ``ok``, on ``alert`` (few units left, or selling out within minutes at the
current pace), to ``stop`` (its campaigns are paused: ad traffic must not oversell it)
or ``sold_out``. Pure: the agent passes the counts and the clock's reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from warroom.rules.base import RuleParams

RULE_ID = "flash.stock_guard"
Level = Literal["ok", "alert", "stop", "sold_out"]
#: Levels at which the SKU's campaigns are paused.
STOPPING: frozenset[Level] = frozenset({"stop", "sold_out"})


class Params(RuleParams):
    alert_units: int = Field(
        50, ge=0, le=100_000_000, description="alert when this many units or fewer remain"
    )
    alert_within_s: int = Field(
        300, ge=0, le=86_400, description="alert when the pace sells out the rest within this"
    )
    stop_units: int = Field(
        10, ge=0, le=100_000_000, description="pause the SKU's campaigns at this many units left"
    )
    stop_within_s: int = Field(
        60, ge=0, le=86_400, description="pause them when the pace sells out the rest within this"
    )
    pace_window_s: int = Field(
        30, ge=1, le=3600, description="the window the order pace (units/s) is measured over"
    )

    @model_validator(mode="after")
    def _stop_before_alert(self) -> Params:
        if self.stop_units > self.alert_units:
            raise ValueError("stop_units must not exceed alert_units")
        if self.stop_within_s > self.alert_within_s:
            raise ValueError("stop_within_s must not exceed alert_within_s")
        return self


@dataclass(frozen=True, slots=True)
class StockCount:
    """One SKU's stock: what was available at the last stock level, the units ordered
    since, and the units ordered in the last ``pace_window_s`` seconds."""

    sku: str
    available: int
    sold: int
    recent_units: int


@dataclass(frozen=True, slots=True)
class StockStatus:
    level: Level
    remaining: int
    pace_per_s: float
    seconds_left: float | None  # at the current pace; None: no orders lately
    explanation: str


def seconds_left(remaining: int, pace: float) -> float | None:
    """When the rest sells out at ``pace`` units per second (None: no pace)."""
    if pace <= 0 or not math.isfinite(pace):
        return None
    return max(remaining, 0) / pace


def level_of(remaining: int, left: float | None, params: Params) -> Level:
    if remaining <= 0:
        return "sold_out"
    if remaining <= params.stop_units or (left is not None and left <= params.stop_within_s):
        return "stop"
    if remaining <= params.alert_units or (left is not None and left <= params.alert_within_s):
        return "alert"
    return "ok"


def stock_status(count: StockCount, params: Params) -> StockStatus:
    """The SKU's level and why.

    >>> stock_status(StockCount("SKU-1", 100, 95, 30), Params()).level
    'stop'
    >>> stock_status(StockCount("SKU-1", 1000, 10, 0), Params()).level
    'ok'
    """
    remaining = count.available - count.sold
    pace = count.recent_units / params.pace_window_s
    left = seconds_left(remaining, pace)
    level = level_of(remaining, left, params)
    when = "no orders lately" if left is None else f"sells out in {left:.0f} s at {pace:.2f}/s"
    return StockStatus(
        level=level,
        remaining=remaining,
        pace_per_s=pace,
        seconds_left=left,
        explanation=(
            f"SKU {count.sku}: {max(remaining, 0)} of {count.available} left "
            f"({count.sold} ordered), {when}"
        ),
    )
