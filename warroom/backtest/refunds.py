"""Replay the refund-spike rule over history: orders and refunds in event-time order into
the agent's ``RefundTally`` (per shop and per SKU, by hour), each refund from the window
judged against its shop's, then its SKU's, counts and usual rate (the warehouse's rate
over the 28 days before the window, else the tally's own), as ``watch_refunds`` does:
one signal per refund, the shop's spike before the SKU's. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, cast

from warroom.backtest.risk import Hits, add_hit
from warroom.rules.risk import refund_spike
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
