"""The radar's "three rates and two cycles" of one product, from its windowed counts.

Rates: search growth, completion rate, orders per thousand impressions. Cycles: the
video life cycle (age and stage of the product's oldest video) and stock turnover days.
Pure: the agent passes the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stage = Literal["new", "rising", "peak", "declining", "none"]
DAY_S = 86_400.0


@dataclass(frozen=True, slots=True)
class RadarCounts:
    """One product's counts in the current window and the window before it."""

    product_id: str
    window_s: int
    searches: int
    searches_before: int
    impressions: int
    plays: int
    completions: int
    orders: int
    units: int
    plays_before: int = 0
    plays_peak: int = 0  # the most plays in any one window so far
    video_age_s: float | None = None  # since the first play of its oldest video
    stock: int | None = None  # units left


@dataclass(frozen=True, slots=True)
class RadarMetrics:
    search_growth: float | None
    completion_rate: float | None
    orders_per_mille: float | None
    video_age_h: float | None
    video_stage: Stage
    stock_turnover_days: float | None


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def growth(now: int, before: int) -> float | None:
    """Relative growth: 0.5 is +50%, 2.0 is +200%; None without a base.

    >>> growth(30, 10)
    2.0
    """
    return (now - before) / before if before > 0 else None


def video_stage(c: RadarCounts, new_h: float) -> Stage:
    if c.video_age_s is None:
        return "none"
    if c.video_age_s < new_h * 3600:
        return "new"
    if c.plays > c.plays_before * 1.2:
        return "rising"
    if c.plays >= 0.5 * max(c.plays_peak, c.plays):
        return "peak"
    return "declining"


def turnover_days(stock: int | None, units: int, window_s: int) -> float | None:
    """Days the stock lasts at the window's pace of units sold (None: no sales or stock)."""
    if stock is None or units <= 0:
        return None
    return max(stock, 0) / (units * DAY_S / window_s)


def radar_metrics(c: RadarCounts, new_video_h: float = 24.0) -> RadarMetrics:
    """The product's rates and cycles.

    >>> m = radar_metrics(RadarCounts("p", 3600, 90, 20, 4000, 1000, 400, 12, 12))
    >>> (m.search_growth, m.completion_rate, m.orders_per_mille)
    (3.5, 0.4, 3.0)
    """
    per_mille = ratio(c.orders * 1000, c.impressions)
    return RadarMetrics(
        search_growth=growth(c.searches, c.searches_before),
        completion_rate=ratio(c.completions, c.plays),
        orders_per_mille=per_mille,
        video_age_h=None if c.video_age_s is None else c.video_age_s / 3600,
        video_stage=video_stage(c, new_video_h),
        stock_turnover_days=turnover_days(c.stock, c.units, c.window_s),
    )
