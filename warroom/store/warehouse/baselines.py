"""The baselines the risk rules need, from the warehouse's history: each SKU's average
unit price (price deviation), orders per hour of the day per shop and per SKU (night
surge) and the usual refund rate per shop and per SKU (refund spike).

Read from the rollups (``shop_sku_hour``) and the raw refunds over ``HISTORY`` before
now; the queries are a few grouped scans, well under a second over a million orders.
The results are plain values with the seams the stream code takes: ``PriceHistory``
is a ``streams.prices.Seed``, ``HourlyHistory`` a ``streams.night.History``. A key the
history does not hold answers None, and the worker falls back to the running stream.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from warroom.rules.risk.price_stats import RunningMean
from warroom.store.warehouse.base import Row, Warehouse

#: How far back the baselines look.
HISTORY = timedelta(days=28)
#: The least history (from a key's first order) that gives an hourly rate.
MIN_SPAN_S = 86_400.0
HOUR_S = 3600.0
Scope = Literal["shop", "sku"]

PRICES = """
    SELECT sku, avgMerge(unit_price) AS mean, countMerge(orders) AS n
    FROM shop_sku_hour WHERE hour >= %(since)s AND hour < %(until)s GROUP BY sku"""
HOURLY = """
    SELECT {key}, toHour(hour) AS h, countMerge(orders) AS n, min(hour) AS first
    FROM shop_sku_hour WHERE hour >= %(since)s AND hour < %(until)s GROUP BY {key}, h"""
REFUNDS = """
    SELECT {key}, sum(refunds), sum(orders) FROM (
        SELECT {key}, count() AS refunds, toUInt64(0) AS orders FROM refunds
        WHERE ts >= %(since)s AND ts < %(until)s GROUP BY {key}
        UNION ALL
        SELECT {key}, toUInt64(0) AS refunds, countMerge(orders) AS orders FROM shop_sku_hour
        WHERE hour >= %(since)s AND hour < %(until)s GROUP BY {key}
    ) GROUP BY {key}"""
KEY = {"shop": "shop_id", "sku": "sku"}


@dataclass(frozen=True)
class PriceHistory:
    """Each SKU's historical mean unit price and order count; a ``Seed`` for ``SkuPrices``."""

    prices: dict[str, tuple[float, int]] = field(default_factory=dict)
    decay: float = 1.0

    def __call__(self, sku: str) -> RunningMean | None:
        known = self.prices.get(sku)
        return None if known is None else RunningMean.seeded(known[0], known[1], self.decay)

    def __len__(self) -> int:
        return len(self.prices)


@dataclass(frozen=True)
class HourlyHistory:
    """Orders per UTC hour of the day per (scope, key), averaged over the days of history;
    a ``History`` for ``NightTally``: the orders expected over a span."""

    rates: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict)

    def __call__(self, scope: str, key: str, opened: float, span_s: float) -> float | None:
        """Orders expected in the whole minutes from ``opened``'s through ``opened +
        span_s``'s (as the stream counts them); None when the key has no history."""
        rates = self.rates.get((scope, key))
        if rates is None:
            return None
        return expected(rates, int(opened // 60) * 60.0, (int((opened + span_s) // 60) + 1) * 60.0)

    def __len__(self) -> int:
        return len(self.rates)


def expected(rates: tuple[float, ...], start: float, end: float) -> float:
    """Orders expected in [start, end) at ``rates[h]`` orders per hour in UTC hour ``h``.

    >>> expected(tuple(float(h) for h in range(24)), 2.5 * 3600, 4 * 3600)  # half of 2, all of 3
    4.0
    """
    total, t = 0.0, start
    while t < end:
        boundary = min(end, (t // HOUR_S + 1) * HOUR_S)
        total += rates[int(t // HOUR_S) % 24] * (boundary - t) / HOUR_S
        t = boundary
    return total


def hourly_rates(rows: list[Row], scope: Scope, until: datetime) -> HourlyHistory:
    """(key, hour, orders, first hour) rows as rates per hour of the day; a key with less
    than ``MIN_SPAN_S`` of history is left out."""
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * 24)
    first: dict[str, datetime] = {}
    for key, hour, n, at in rows:
        counts[key][int(hour)] += float(n)
        first[key] = min(first.get(key, at), at)
    rates: dict[tuple[str, str], tuple[float, ...]] = {}
    for key, per_hour in counts.items():
        span = (until - first[key]).total_seconds()
        if span >= MIN_SPAN_S:
            rates[(scope, key)] = tuple(n * 86_400.0 / span for n in per_hour)
    return HourlyHistory(rates)


def _window(now: datetime, history: timedelta) -> dict[str, datetime]:
    return {"since": now - history, "until": now}


async def load_prices(
    warehouse: Warehouse, now: datetime, decay: float = 1.0, history: timedelta = HISTORY
) -> PriceHistory:
    """Each SKU's mean unit price and order count over ``history`` before ``now``."""
    rows = await warehouse.aquery(PRICES, _window(now, history))
    prices = {sku: (float(mean), int(n)) for sku, mean, n in rows if int(n) > 0}
    return PriceHistory(prices, decay)


async def load_hourly(
    warehouse: Warehouse, now: datetime, history: timedelta = HISTORY
) -> HourlyHistory:
    """Orders per hour of the day per shop and per SKU over ``history`` before ``now``."""
    rates: dict[tuple[str, str], tuple[float, ...]] = {}
    scopes: tuple[Scope, ...] = ("shop", "sku")
    for scope in scopes:
        rows = await warehouse.aquery(HOURLY.format(key=KEY[scope]), _window(now, history))
        rates.update(hourly_rates(rows, scope, now).rates)
    return HourlyHistory(rates)


async def load_refund_rates(
    warehouse: Warehouse, now: datetime, history: timedelta = HISTORY
) -> dict[tuple[str, str], float]:
    """Refunds per order placed, per shop and per SKU, over ``history`` before ``now``
    (keys with no orders are left out)."""
    out: dict[tuple[str, str], float] = {}
    for scope in ("shop", "sku"):
        rows = await warehouse.aquery(REFUNDS.format(key=KEY[scope]), _window(now, history))
        out.update({(scope, k): int(r) / int(n) for k, r, n in rows if int(n) > 0})
    return out
