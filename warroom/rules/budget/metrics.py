"""Live campaign metrics over sliding windows, from per-minute counters (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from warroom.schemas.internal import CampaignMinute
from warroom.schemas.types import MONEY_UNITS

#: Windows shown by ``/v1/campaigns/{id}/live``, in minutes.
WINDOWS = (1, 5, 15, 30, 60)


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 6) if den else None


def window_totals(
    minutes: Iterable[CampaignMinute], now: float, span_minutes: int
) -> dict[str, Any]:
    """Totals and ratios over the last ``span_minutes`` minutes up to ``now`` (the current
    minute included), money in CNY.

    >>> m = CampaignMinute(minute=100, impressions=200, clicks=4, spend=400_000,
    ...                    orders=1, gmv=1_200_000)
    >>> window_totals([m], now=100 * 60 + 5, span_minutes=1)["roi"]
    3.0
    """
    last = int(now // 60)
    first = last - span_minutes + 1
    t = {"impressions": 0, "plays": 0, "clicks": 0, "spend": 0, "orders": 0, "gmv": 0}
    for m in minutes:
        if first <= m.minute <= last:
            for name in t:
                t[name] += getattr(m, name)
    spend, gmv = t["spend"] / MONEY_UNITS, t["gmv"] / MONEY_UNITS
    return {
        **t,
        "spend": spend,
        "gmv": gmv,
        "ctr": _ratio(t["clicks"], t["impressions"]),
        "cvr": _ratio(t["orders"], t["clicks"]),
        "cpa": _ratio(spend, t["orders"]),
        "roi": _ratio(gmv, spend),
    }


def live_windows(minutes: list[CampaignMinute], now: float) -> dict[str, dict[str, Any]]:
    return {f"{w}m": window_totals(minutes, now, w) for w in WINDOWS}
