"""Where validated events go for the flash-sale countdown, the radar, commissions and viewer
journeys: SKU flows keyed by SKU (sku-stock), product flows keyed by product
(product-activity), orders and payments keyed by order (order-payments), views, clicks,
messages, orders and follows keyed by viewer (viewer-journeys)."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.schemas.commission import OrderMoney
from warroom.schemas.events import (
    Click,
    Follow,
    Order,
    Payment,
    PrivateMessage,
    Search,
    StockLevel,
)
from warroom.schemas.flash import SkuFlow
from warroom.schemas.journeys import Journey
from warroom.schemas.radar import ProductFlow
from warroom.streams import topics
from warroom.streams.send import send_envelopes


def _by_sku(flow: SkuFlow) -> str:
    return flow.sku


def _by_product(flow: ProductFlow) -> str:
    return flow.product_id


async def route_order_flows(orders: Sequence[Order]) -> None:
    await send_envelopes(topics.sku_stock, [SkuFlow.of_order(o) for o in orders], key=_by_sku)
    flows = [ProductFlow.of_order(o) for o in orders]
    await send_envelopes(topics.product_activity, flows, key=_by_product)
    money = [OrderMoney.of_order(o) for o in orders]
    await send_envelopes(topics.order_payments, money, key=lambda m: m.order_id)
    await _journeys([Journey.of_order(o) for o in orders])


async def route_payment_flows(payments: Sequence[Payment]) -> None:
    money = [OrderMoney.of_payment(p) for p in payments]
    await send_envelopes(topics.order_payments, money, key=lambda m: m.order_id)


async def route_click_flows(clicks: Sequence[Click], completed: Sequence[bool]) -> None:
    """Clicks naming their product to the radar (``completed``: each play watched to the
    end); impressions and clicks to the viewers' journeys."""
    flows = [
        ProductFlow.of_click(c, done)
        for c, done in zip(clicks, completed, strict=True)
        if c.product_id is not None
    ]
    await send_envelopes(topics.product_activity, flows, key=_by_product)
    seen = [Journey.of_click(c) for c in clicks if c.kind != "play"]
    await _journeys(seen)


async def route_stock(levels: Sequence[StockLevel]) -> None:
    await send_envelopes(topics.sku_stock, [SkuFlow.of_stock(s) for s in levels], key=_by_sku)
    flows = [ProductFlow.of_stock(s) for s in levels]
    await send_envelopes(topics.product_activity, flows, key=_by_product)


async def route_searches(searches: Sequence[Search]) -> None:
    flows = [ProductFlow.of_search(s) for s in searches]
    await send_envelopes(topics.product_activity, flows, key=_by_product)


async def _journeys(items: Sequence[Journey]) -> None:
    await send_envelopes(topics.viewer_journeys, items, key=lambda j: j.viewer_id)


async def route_messages(messages: Sequence[PrivateMessage]) -> None:
    await _journeys([Journey.of_message(m) for m in messages])


async def route_follows(follows: Sequence[Follow]) -> None:
    await _journeys([Journey.of_follow(f) for f in follows])
