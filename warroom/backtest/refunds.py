"""Replay the refund-spike rule over history: each refund from the window judged against
its shop's, then its SKU's, orders and refunds by hour and usual rate (the warehouse's
rate over the 28 days before the window, else the tally's own), as ``watch_refunds``
does: one signal per refund, the shop's spike before the SKU's. Pure.

``replay_refunds`` feeds every order and refund into the agent's ``RefundTally``;
``replay_refunds_columns``, which backtests run, counts the same from the orders' and
refunds' times sorted once per key (a day's orders are only counted, never judged),
and only the refunds go through the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, cast

import numpy as np

from warroom.backtest.night import STRIDE, codes
from warroom.backtest.risk import Hits, add_hit
from warroom.rules.risk import refund_spike
from warroom.rules.risk.refund_spike import RefundCounts
from warroom.schemas.internal import ShopSale
from warroom.streams.refunds import SCOPES, RefundTally


@dataclass(frozen=True, slots=True)
class Sale:
    """An order placed or refunded, with what the tally counts (a ``ShopSale`` to it)."""

    ts: float
    kind: Literal["order", "refund"]
    id: str  # the order id or the refund id
    order_id: str
    shop_id: str
    sku: str
    amount: Decimal = Decimal(0)


def replay_refunds(
    sales: Sequence[Sale],
    params: refund_spike.Params,
    rates: Mapping[tuple[str, str], float],
    since: float = 0.0,
    shop_id: str | None = None,
) -> Hits:
    """The rule on each refund from ``since`` (of ``shop_id``'s when given); ``sales``
    in time order, an order before a refund of the same second."""
    tally, hits = RefundTally(), cast(Hits, {})
    tally.history.update(rates)
    for sale in sales:
        tally.add(cast(ShopSale, sale))  # reads kind, ts, shop and SKU: a Sale has them
        if sale.kind != "refund" or sale.ts < since:
            continue
        if shop_id is not None and sale.shop_id != shop_id:
            continue
        for scope, key in zip(SCOPES, (sale.shop_id, sale.sku), strict=True):
            hit = refund_spike.refund_spike(tally.counts(scope, key, sale.ts, params), params)
            if hit is not None:
                add_hit(hits, sale.order_id, hit)
                break  # one signal: a SKU's spike is its shop's (no double score)
    return hits


@dataclass(frozen=True)
class SalesColumns:
    """Orders (their time, shop and SKU) and refunds in event-time order, as columns."""

    ts: np.ndarray  # float64, non-decreasing; an order before a refund of the same second
    refund: np.ndarray  # bool: a refund (else an order)
    shop_id: Sequence[str]
    sku: Sequence[str]
    refunds: Sequence[Sale]  # the refunds, in the order they come

    @classmethod
    def of(cls, sales: Sequence[Sale]) -> SalesColumns:
        """From sales in time order (as ``replay_refunds`` takes them)."""
        ts = np.array([s.ts for s in sales], dtype=np.float64)
        refund = np.array([s.kind == "refund" for s in sales], dtype=bool)
        shops, skus = [s.shop_id for s in sales], [s.sku for s in sales]
        return cls(ts, refund, shops, skus, [s for s in sales if s.kind == "refund"])


class Counted:
    """One kind of sale (orders or refunds) of one scope, grouped by key: how many a key
    had in hours before some hour, or up to some place in the sequence."""

    def __init__(self, key: np.ndarray, hour: np.ndarray, seq: np.ndarray) -> None:
        by_key = np.argsort(key, kind="stable")  # time order within each key
        self.hours = key[by_key] * STRIDE + hour[by_key]
        self.seqs = key[by_key] * STRIDE + seq[by_key]

    def before_hour(self, key: np.ndarray, hour: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.hours, key * STRIDE + hour) - np.searchsorted(
            self.hours, key * STRIDE
        )

    def up_to(self, key: np.ndarray, seq: np.ndarray) -> np.ndarray:
        """Sales of ``key`` at places in the sequence up to ``seq``, included."""
        hi = np.searchsorted(self.seqs, key * STRIDE + seq, side="right")
        return hi - np.searchsorted(self.seqs, key * STRIDE)


def _baseline(
    own: tuple[int, int], others: tuple[int, int], known: float | None, least: int
) -> float | None:
    """``RefundTally._baseline``: history, else the key's own rate before the window
    (orders, refunds), else every other key's so far."""
    if known is not None:
        return known
    if own[0] >= least:
        return own[1] / own[0]
    return None if others[0] < least else others[1] / others[0]


def replay_refunds_columns(
    sales: SalesColumns,
    params: refund_spike.Params,
    rates: Mapping[tuple[str, str], float],
    since: float = 0.0,
    shop_id: str | None = None,
) -> Hits:
    """``replay_refunds`` over columns: the same hits."""
    refund_at = np.flatnonzero(sales.refund)
    wanted = [
        j
        for j, r in enumerate(sales.refunds)
        if r.ts >= since and (shop_id is None or r.shop_id == shop_id)
    ]
    if not wanted:
        return {}
    ts, seq = sales.ts, np.arange(len(sales.ts))
    hour = np.floor_divide(ts, 3600).astype(np.int64)
    at = refund_at[wanted]  # places of the judged refunds in the sequence
    first = np.floor_divide(ts[at] - params.window_s, 3600).astype(np.int64) + 1
    orders_so_far = np.cumsum(~sales.refund)[at]  # the orders before each refund
    refunds_so_far = np.cumsum(sales.refund)[at]  # the refund itself included
    counts: dict[str, tuple[list[str], np.ndarray, list[list[int]]]] = {}
    for scope, column in (("shop", sales.shop_id), ("sku", sales.sku)):
        key, keys = codes(column)
        o, r = ~sales.refund, sales.refund
        orders = Counted(key[o], hour[o], seq[o])
        refunds = Counted(key[r], hour[r], seq[r])
        k = key[at]
        n_orders, n_refunds = orders.up_to(k, at), refunds.up_to(k, at)
        before = (orders.before_hour(k, first), refunds.before_hour(k, first))
        stacked = [n_orders - before[0], n_refunds - before[1], *before, n_orders, n_refunds]
        counts[scope] = (keys, k, np.stack(stacked).T.tolist())
    hits: Hits = {}
    for j, i in enumerate(wanted):
        refund = sales.refunds[i]
        for scope in ("shop", "sku"):
            keys, codes_at, table = counts[scope]
            inside_o, inside_r, before_o, before_r, mine_o, mine_r = table[j]
            name = keys[int(codes_at[j])]
            others = (int(orders_so_far[j]) - mine_o, int(refunds_so_far[j]) - mine_r)
            known = rates.get((scope, name))
            baseline = _baseline((before_o, before_r), others, known, params.min_orders)
            found = RefundCounts(scope, name, inside_o, inside_r, baseline)  # type: ignore[arg-type]
            if (hit := refund_spike.refund_spike(found, params)) is not None:
                add_hit(hits, refund.order_id, hit)
                break  # one signal: a SKU's spike is its shop's (no double score)
    return hits
