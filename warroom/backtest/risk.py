"""Replay a risk rule over history, order by order (payment by payment), through the rule's
pure code, in event-time order, with the state the agent would have kept:

- bursts (IP, device, user): each order against the orders of its key up to it in the
  window (keys with no more orders in the whole span than the rule allows cannot
  fire and are left out by the loader);
- price deviation: each SKU's running mean, seeded from the history before the window,
  not learning the prices that fire (as ``streams.prices.SkuPrices``); a price well
  inside the band skips the rule's exact (Decimal) check;
- night surge: ``streams.night.NightTally`` fed every order, with the warehouse's
  hourly baselines before the window: the reference for ``night.replay_night_columns``,
  which backtests run.

Payments: ``payments``; refunds: ``refunds``; recorded verdicts: ``verdicts``.

Hits become an outcome through the live thresholds (``scoring``), as the agent's verdict
does for one rule. Pure: no clock, no client.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from warroom.rules.base import Hit
from warroom.rules.risk import entity_burst, night_surge, price_deviation
from warroom.rules.risk.price_stats import RunningMean
from warroom.rules.risk.same_ip_burst import same_ip_burst
from warroom.streams.night import History, NightTally, no_history

Seed = Callable[[str], RunningMean | None]
#: A price this far inside the rule's band (floats) is not checked exactly: it cannot fire.
MARGIN = 1.001


@dataclass(frozen=True, slots=True)
class OrderRow:
    """What the risk rules read of an order."""

    ts: float
    order_id: str
    shop_id: str
    sku: str
    ip: str
    user_id: str
    device_id: str
    unit_price: Decimal
    amount: Decimal


Hits = dict[str, list[Hit]]  # order id -> the rule's hits on it


def add_hit(hits: Hits, order_id: str, hit: Hit) -> None:
    """``hit`` on the order, unless the order holds one of the same rule on the same
    entity already (a rule fires once per entity on an order: ``combine.merged_hits``)."""
    found = hits.setdefault(order_id, [])
    if all((h.rule_id, h.entity) != (hit.rule_id, hit.entity) for h in found):
        found.append(hit)


def _keyed(orders: Iterable[OrderRow], key: Callable[[OrderRow], str]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for o in orders:
        if k := key(o):
            groups[k].append((o.ts, o.order_id))
    return groups


def replay_bursts(
    kind: str, orders: Sequence[OrderRow], params: entity_burst.Params, since: float
) -> Hits:
    """The burst rule of ``kind`` (ip, device, user) on each order from ``since``."""
    key: Callable[[OrderRow], str] = {
        "ip": lambda o: o.ip,
        "device": lambda o: o.device_id,
        "user": lambda o: o.user_id,
    }[kind]
    hits: Hits = {}
    for k, log in _keyed(orders, key).items():
        log.sort()
        for i, (ts, order_id) in enumerate(log):
            if ts < since:
                continue
            around = log[bisect_left(log, (ts - params.window_s,)) : i + 1]
            if kind == "ip":
                hit = same_ip_burst(k, ts, around, params)
            else:
                hit = entity_burst.entity_burst(kind, k, ts, around, params)  # type: ignore[arg-type]
            if hit is not None:
                hits[order_id] = [hit]
    return hits


def replay_prices(
    orders: Sequence[OrderRow], params: price_deviation.Params, seed: Seed, decay: float
) -> Hits:
    """Price deviation on each order, in time order, against its SKU's running mean."""
    means: dict[str, RunningMean] = {}
    hits: Hits = {}
    low, high = 1 - params.max_below_pct / 100, params.max_ratio or math.inf
    for o in orders:
        mean = means.get(o.sku)
        if mean is None:
            mean = seed(o.sku) or RunningMean(decay=decay)
        price = float(o.unit_price)
        if MARGIN * low * mean.mean < price < high * mean.mean / MARGIN:
            hit = None  # well inside the band: the rule cannot fire (skip its exact check)
        else:
            hit = price_deviation.price_deviation(o.sku, o.unit_price, mean, params)
        if hit is None:
            mean = mean.add(price)
        else:
            hits[o.order_id] = [hit]
        means[o.sku] = mean
    return hits


def replay_night(
    orders: Sequence[OrderRow],
    params: night_surge.Params,
    zones: dict[str, str],
    history: History = no_history,
    since: float = 0.0,
    default_tz: str = "Asia/Shanghai",
) -> Hits:
    """Night surge on each order from ``since``, per shop and per SKU, in the shop's time
    zone (the orders before ``since`` are only counted: the night before)."""
    tally, hits = NightTally(history), {}
    in_slot = _slot_test(params)
    for o in orders:
        tally.add("shop", o.shop_id, o.ts, now=o.ts)
        tally.add("sku", o.sku, o.ts, now=o.ts)
        tz = zones.get(o.shop_id, default_tz)
        if o.ts < since or not in_slot(o.ts, tz):
            continue
        found = []
        for scope, key in (("shop", o.shop_id), ("sku", o.sku)):
            counts = tally.counts(scope, key, o.ts, tz, params)  # type: ignore[arg-type]
            if (hit := night_surge.night_surge(o.ts, counts, params)) is not None:
                found.append(hit)
        if found:
            hits[o.order_id] = found
    return hits


def _slot_test(params: night_surge.Params) -> Callable[[float, str], bool]:
    """Whether a time lies in the slot, memoised per minute and zone when the slot opens
    and closes on whole minutes (most orders are outside: the zone maths runs once a
    minute instead of once an order)."""
    whole = all(t.second == 0 and t.microsecond == 0 for t in (params.start, params.end))
    seen: dict[tuple[int, str], bool] = {}

    def test(ts: float, tz: str) -> bool:
        if not whole:
            return night_surge.local_slot(ts, tz, params) is not None
        key = (int(ts // 60), tz)
        if key not in seen:
            seen[key] = night_surge.local_slot(key[0] * 60.0, tz, params) is not None
        return seen[key]

    return test
