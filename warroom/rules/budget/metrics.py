"""Live metrics of a campaign or creative over sliding windows and the shop-local day (pure).

The windows (1, 5, 15, 30, 60 minutes) come from per-minute counters, which keep
61 minutes. ``today`` needs the whole shop-local day, so it comes from a separate
``DayTotals`` accumulator (below). ``metric_values`` gives a condition exactly the
names of the vocabulary: ``spend_30m``, ``roi_today``, ``target_cpa``, ...

Missing data is ``None``, never 0: a ratio with a zero denominator, the completion
rate of minutes that did not count ``completions`` (``MinuteCounts``), ``today``
without a ``DayTotals``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from warroom.rules.budget.vocabulary import CAMPAIGN_FIELDS, FEATURES, METRICS
from warroom.schemas.internal import CampaignMinute
from warroom.schemas.types import MONEY_UNITS

#: Windows shown by ``/v1/campaigns/{id}/live``, in minutes.
WINDOWS = (1, 5, 15, 30, 60)
#: Counters summed over a window; money in 0.0001 CNY.
COUNTERS = ("impressions", "plays", "completions", "clicks", "spend", "orders", "gmv")

Zone = str | tzinfo


class MinuteCounts(CampaignMinute):
    """``CampaignMinute`` whose ``completions`` may be None: "not counted" (history from
    before the counters kept them); the completion rate is then unknown, not 0."""

    completions: int | None = None  # type: ignore[assignment]


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 6) if den else None


def _counts(minutes: Iterable[object]) -> dict[str, int | None]:
    """Summed counters; ``completions`` is None unless every minute counted them."""
    t: dict[str, int | None] = dict.fromkeys(COUNTERS, 0)
    for m in minutes:
        for name in COUNTERS:
            x, total = getattr(m, name, None), t[name]
            t[name] = None if x is None or total is None else total + x
    return t


def _derive(t: Mapping[str, int | None]) -> dict[str, Any]:
    """Counters (money in CNY) and every ratio of the vocabulary."""
    impressions, plays, clicks = t["impressions"] or 0, t["plays"] or 0, t["clicks"] or 0
    orders, completions = t["orders"] or 0, t["completions"]
    spend, gmv = (t["spend"] or 0) / MONEY_UNITS, (t["gmv"] or 0) / MONEY_UNITS
    return {
        **t,
        "spend": spend,
        "gmv": gmv,
        "ctr": _ratio(clicks, impressions),
        "cvr": _ratio(orders, clicks),
        "cpa": _ratio(spend, orders),
        "roi": _ratio(gmv, spend),
        "gpm": _ratio(gmv * 1000, impressions),
        "completion_rate": None if completions is None else _ratio(completions, plays),
    }


def window_totals(
    minutes: Iterable[CampaignMinute], now: float, span_minutes: int
) -> dict[str, Any]:
    """Totals and ratios over the last ``span_minutes`` minutes up to ``now`` (the current
    minute included), money in CNY.

    >>> m = CampaignMinute(minute=100, impressions=200, clicks=4, spend=400_000,
    ...                    orders=1, gmv=1_200_000)
    >>> t = window_totals([m], now=100 * 60 + 5, span_minutes=1)
    >>> t["roi"], t["gpm"], t["completion_rate"]
    (3.0, 600.0, None)
    """
    last = int(now // 60)
    first = last - span_minutes + 1
    return _derive(_counts(m for m in minutes if first <= m.minute <= last))


def live_windows(minutes: list[CampaignMinute], now: float) -> dict[str, dict[str, Any]]:
    return {f"{w}m": window_totals(minutes, now, w) for w in WINDOWS}


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _tz(zone: Zone) -> tzinfo:
    return _zone(zone) if isinstance(zone, str) else zone


def local_day(ts: float, zone: Zone) -> date:
    """The shop-local date at epoch second ``ts``.

    >>> local_day(1_731_340_800, "Asia/Shanghai")  # 2024-11-11 16:00 UTC
    datetime.date(2024, 11, 12)
    """
    return datetime.fromtimestamp(ts, _tz(zone)).date()


def local_midnight(ts: float, zone: Zone) -> float:
    """Epoch seconds at which the shop-local day holding ``ts`` began (its first instant,
    also where a DST change skips midnight).

    >>> local_midnight(1_731_340_800, "Asia/Shanghai")  # 2024-11-12 00:00 +08:00
    1731340800.0
    """
    return datetime.combine(local_day(ts, zone), time(), _tz(zone)).timestamp()


def minutes_since_midnight(now: float, zone: Zone) -> int:
    """Whole minutes of the shop-local day that have begun before ``now``'s minute."""
    return int((now - local_midnight(now, zone)) // 60)


class DayTotals(BaseModel):
    """One entity's counters for one shop-local ``day``, money in 0.0001 CNY.

    How the agent feeds it: keep one per entity (a changelogged table), and for every
    batch add each minute's *increments* (what the batch added to that minute's
    counters, never the minute's running total) with ``add``. The minute's local date
    decides the day: a later date starts the new day; an earlier one is late for a day
    that is over and is only counted in ``late_minutes``. Read it with
    ``today_totals``. Whole minutes never straddle a local midnight (zones are offset
    by whole minutes), so feeding per minute is exact.

    >>> d = DayTotals.start(date(2024, 11, 11))
    >>> d = d.add(CampaignMinute(minute=28_855_440, clicks=3), "UTC")
    >>> d.add(CampaignMinute(minute=28_855_441, clicks=2), "UTC").clicks
    5
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: date
    impressions: int = 0
    plays: int = 0
    completions: int | None = 0
    clicks: int = 0
    spend: int = 0
    orders: int = 0
    gmv: int = 0
    late_minutes: int = 0

    @classmethod
    def start(cls, day: date) -> DayTotals:
        return cls(day=day)

    def add(self, increments: CampaignMinute, zone: Zone) -> DayTotals:
        """These totals with one minute's increments added (see the class docstring)."""
        day = local_day(increments.minute * 60, zone)
        if day < self.day:
            return self.model_copy(update={"late_minutes": self.late_minutes + 1})
        base = self if day == self.day else DayTotals.start(day)
        summed = _counts([base, increments])
        return base.model_copy(update=summed)


def feed(day: DayTotals | None, increments: CampaignMinute, zone: Zone) -> DayTotals:
    """``day`` with ``increments`` added; a first minute starts the accumulator."""
    if day is None:
        day = DayTotals.start(local_day(increments.minute * 60, zone))
    return day.add(increments, zone)


def today_totals(day: DayTotals | None, now: float, zone: Zone) -> dict[str, Any]:
    """Totals and ratios of the shop-local day up to ``now``.

    Zeros when the accumulator's day is over (nothing counted today yet); every value
    None (unknown) without an accumulator, or when it already holds a later day than
    ``now``'s (event times ahead of the clock).

    >>> today_totals(None, 0.0, "UTC")["orders"] is None
    True
    """
    today = local_day(now, zone)
    if day is None or day.day > today:
        return dict.fromkeys(_derive(dict.fromkeys(COUNTERS, 0)))
    if day.day < today:
        return _derive(dict.fromkeys(COUNTERS, 0))
    return _derive({name: getattr(day, name) for name in COUNTERS})


def metric_values(
    minutes: Iterable[CampaignMinute],
    now: float,
    *,
    day: DayTotals | None,
    zone: Zone,
    fields: Mapping[str, float | Decimal | None] | None = None,
    features: Mapping[str, float | None] | None = None,
) -> dict[str, float | None]:
    """What a condition evaluates: every vocabulary name (``spend_30m`` ... ``gpm_today``,
    and the campaign fields from ``fields``, None when absent), plus ``features``.

    Counts stay ints, money is CNY, ratios are rounded to six places.
    """
    minutes = list(minutes)
    windows = {f"{w}m": window_totals(minutes, now, w) for w in WINDOWS}
    windows["today"] = today_totals(day, now, zone)
    values: dict[str, float | None] = {
        f"{metric}_{w}": totals[metric] for w, totals in windows.items() for metric in METRICS
    }
    given = fields or {}
    for name in CAMPAIGN_FIELDS:
        x = given.get(name)
        values[name] = None if x is None else float(x)
    values.update(dict.fromkeys(FEATURES))  # a feature not given is unknown, not 0
    values.update(features or {})
    return values


def ctr_rank_pct(ctr: float | None, campaign_ctrs: Iterable[float | None]) -> float | None:
    """A creative's CTR rank among its campaign's creatives as "top X %": 100 × the share
    of creatives with a strictly higher CTR. The best is 0; "CTR in the campaign's top
    10 %" is ``ctr_rank_pct < 10``. ``campaign_ctrs`` holds every creative's CTR (this
    one's included) over the same window; unknown CTRs are left out.

    >>> ctr_rank_pct(0.05, [0.05, 0.01, 0.02, 0.03, 0.04]), ctr_rank_pct(0.03, [0.05, 0.03])
    (0.0, 50.0)
    """
    known = [x for x in campaign_ctrs if x is not None]
    if ctr is None or not known:
        return None
    return round(100 * sum(x > ctr for x in known) / len(known), 6)
