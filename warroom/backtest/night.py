"""Night surge over a day of orders in a few numpy passes, with the hits the agent's
``NightTally`` gives order by order (``risk.replay_night``, the reference it is checked
against).

The tally counts whole minutes per shop and per SKU, so what an order in the slot sees
is arithmetic on each key's orders sorted by time: the orders of the slot so far are
the order's rank among its key's minus those before the slot's first minute; the
stream's fallback baselines (last night's span, or the span before the slot) are
counts over past minutes. The time zone maths runs once per minute and zone, the
history baseline once per key, slot and minute (``HourlyHistory`` counts whole
minutes). Only the orders whose counts could fire (at least ``min_orders``, above
``factor`` × the baseline) go through the rule itself, which decides and explains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import numpy as np

from warroom.backtest.risk import Hits
from warroom.rules.base import Hit
from warroom.rules.risk import night_surge
from warroom.rules.risk.night_surge import SlotCounts, local_slot, slot_opened
from warroom.streams.night import History, Scope, no_history

DAY_S = 86_400.0
#: Spacing of key codes in the combined (key, minute) sort order.
STRIDE = np.int64(1 << 32)


@dataclass(frozen=True)
class OrderColumns:
    """Orders in time order, column by column (what the night-surge rule reads)."""

    ts: np.ndarray  # float64 epoch seconds, non-decreasing
    order_id: Sequence[str]
    shop_id: Sequence[str]
    sku: Sequence[str]
    amount: Sequence[Decimal]

    def __len__(self) -> int:
        return len(self.ts)

    @cached_property
    def keyed(self) -> Grouped:
        """The orders grouped by shop and by SKU (once: both sides of a backtest share it)."""
        return Grouped(self)


def codes(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each value's index in the list of distinct values (first seen first)."""
    index: dict[str, int] = {}
    out = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64, len(values))
    return out, list(index)


def _opened(
    minute: np.ndarray, ts: np.ndarray, zone: np.ndarray, tzs: list[str], p: night_surge.Params
) -> np.ndarray:
    """When the slot of each order opened (epoch seconds); NaN outside the slot."""
    whole = all(t.second == 0 and t.microsecond == 0 for t in (p.start, p.end))
    if whole:  # a slot on whole minutes: one answer per minute and zone
        keys, inverse = np.unique(minute * len(tzs) + zone, return_inverse=True)
        pairs = [(float(k // len(tzs) * 60), int(k % len(tzs))) for k in keys.tolist()]
    else:
        both, inverse = np.unique(np.stack([ts, zone]), axis=1, return_inverse=True)
        pairs = [(float(t), int(z)) for t, z in both.T.tolist()]
    found = np.full(len(pairs), np.nan)
    for j, (t, z) in enumerate(pairs):
        slot = local_slot(t, tzs[z], p)
        opened = None if slot is None else slot_opened(slot, tzs[z])
        found[j] = np.nan if opened is None else opened
    return found[inverse.reshape(-1)]


class Keyed:
    """One scope's orders grouped by key, in time order within each key."""

    def __init__(self, key: np.ndarray, minute: np.ndarray) -> None:
        by_key = np.argsort(key, kind="stable")
        self.combined = key[by_key] * STRIDE + minute[by_key]  # ascending
        starts = np.searchsorted(self.combined, key * STRIDE)
        self.rank = np.empty(len(key), np.int64)
        self.rank[by_key] = np.arange(len(key))
        self.rank -= starts  # each order's position among its key's orders
        self.key = key

    def count(self, idx: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Orders of each ``idx``'s key in the minutes [first, last] (all of them)."""
        base = self.key[idx] * STRIDE
        hi = np.searchsorted(self.combined, base + last, side="right")
        return hi - np.searchsorted(self.combined, base + first, side="left")

    def so_far(self, idx: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Orders of each ``idx``'s key from minute ``first`` up to it, itself included."""
        base = self.key[idx] * STRIDE
        before = np.searchsorted(self.combined, base + first) - np.searchsorted(self.combined, base)
        return self.rank[idx] + 1 - before


class Grouped:
    """What every version's replay shares: minutes, shop and SKU codes, both groupings."""

    def __init__(self, orders: OrderColumns) -> None:
        self.ts = np.asarray(orders.ts, dtype=np.float64)
        self.minute = np.floor_divide(self.ts, 60).astype(np.int64)
        self.first_seen = np.minimum.accumulate(self.ts)
        self.shop, self.shops = codes(orders.shop_id)
        self.sku, self.skus = codes(orders.sku)
        self.by_shop, self.by_sku = Keyed(self.shop, self.minute), Keyed(self.sku, self.minute)


def _history(
    history: History,
    scope: Scope,
    keys: list[str],
    key: np.ndarray,
    opened: np.ndarray,
    ts: np.ndarray,
) -> np.ndarray:
    """The history's baseline of each order (NaN: unknown), asked once per minute."""
    minute = np.floor_divide(ts, 60)
    out = np.full(len(key), np.nan)
    seen: dict[tuple[int, float, float], float] = {}
    rows = zip(key.tolist(), opened.tolist(), minute.tolist(), ts.tolist(), strict=True)
    for j, (k, o, m, t) in enumerate(rows):
        if (k, o, m) not in seen:
            known = history(scope, keys[k], o, t - o)
            seen[(k, o, m)] = np.nan if known is None else float(known)
        out[j] = seen[(k, o, m)]
    return out


def _fallback(
    keyed: Keyed, idx: np.ndarray, opened: np.ndarray, span: np.ndarray, first_seen: np.ndarray
) -> np.ndarray:
    """``NightTally.baseline`` without history: last night's span, else the span just
    before the slot, when this tally saw it whole; NaN otherwise."""
    seen = np.floor_divide(first_seen, 60)
    out = np.full(len(idx), np.nan)
    for start in (opened - DAY_S, opened - span - 60):
        usable = np.isnan(out) & (np.floor_divide(start, 60) > seen)
        first = np.floor_divide(start, 60).astype(np.int64)
        last = np.floor_divide(start + span, 60).astype(np.int64)
        counts = keyed.count(idx, first, last).astype(np.float64)
        out = np.where(usable, counts, out)
    return out


def replay_night_columns(
    orders: OrderColumns,
    params: night_surge.Params,
    zones: dict[str, str],
    history: History = no_history,
    since: float = 0.0,
    default_tz: str = "Asia/Shanghai",
) -> Hits:
    """Night surge on each order from ``since``, per shop and per SKU, in the shop's time
    zone (the orders before ``since`` are only counted: the night before)."""
    if len(orders) == 0:
        return {}
    g = orders.keyed
    ts = g.ts
    tzs = [zones.get(s, default_tz) for s in g.shops]
    tz_code, tz_names = codes(tzs)
    opened_all = _opened(g.minute, ts, tz_code[g.shop], tz_names, params)
    idx = np.flatnonzero(~np.isnan(opened_all) & (ts >= since))
    if len(idx) == 0:
        return {}
    opened, at = opened_all[idx], ts[idx]
    first_minute = np.floor_divide(opened, 60).astype(np.int64)
    first_seen = g.first_seen[idx]
    found: dict[int, list[Hit]] = {}
    scopes = (("shop", g.shop, g.shops, g.by_shop), ("sku", g.sku, g.skus, g.by_sku))
    for scope, key, keys, keyed in scopes:
        so_far = keyed.so_far(idx, first_minute)
        baseline = _history(history, scope, keys, key[idx], opened, at)  # type: ignore[arg-type]
        unknown = np.isnan(baseline)
        if unknown.any():
            fallback = _fallback(keyed, idx, opened, at - opened, first_seen)
            baseline = np.where(unknown, fallback, baseline)
        ok = np.isfinite(baseline) & (baseline >= 0)
        limit = params.factor * np.where(ok, baseline, 0.0)
        may = ok & (so_far >= params.min_orders) & (so_far > limit)
        for j in np.flatnonzero(may).tolist():
            i = int(idx[j])
            counts = SlotCounts(
                scope,  # type: ignore[arg-type]
                keys[int(key[i])],
                tzs[int(g.shop[i])],
                int(so_far[j]),
                float(baseline[j]),
            )
            if (hit := night_surge.night_surge(float(ts[i]), counts, params)) is not None:
                found.setdefault(i, []).append(hit)
    return {orders.order_id[i]: found[i] for i in sorted(found)}
