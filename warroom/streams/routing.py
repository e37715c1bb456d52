"""Where validated events go: which internal topic, keyed by what."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.schemas.events import Click, Event, Order, Origin, Payment, Refund
from warroom.schemas.internal import Activity, OrderOrPayment, OrderSeen, ShopSale
from warroom.schemas.types import money_units
from warroom.streams import topics
from warroom.streams.codecs import record_json
from warroom.streams.match_routing import route_match_clicks
from warroom.streams.playbook_routing import (
    route_click_flows,
    route_order_flows,
    route_payment_flows,
)
from warroom.streams.send import send_envelopes

#: The partition key of each input topic, for producers that want to spread load well.
INPUT_KEYS = {
    "clicks": "campaign_id",
    "orders": "ip",
    "payments": "order_id",
    "refunds": "shop_id",
    "stock": "sku",
    "searches": "product_id",
    "messages": "viewer_id",
    "follows": "user_id",
}


def input_key(kind: str, event: Event) -> str:
    return str(getattr(event, INPUT_KEYS[kind]))


#: Input topic codes in an activity's origin (clicks and orders share campaign-activity).
CLICKS, ORDERS = 0, 1


def click_activity(click: Click, origin: Origin | None = None) -> Activity:
    return Activity(
        campaign_id=click.campaign_id,
        creative_id=click.creative_id,
        shop_id=click.shop_id,
        ts=click.ts.timestamp(),
        kind=click.kind,
        spend=money_units(click.cost),
        completed=watched_to_the_end(click),
        src=None if origin is None else (CLICKS, *origin),
    )


def watched_to_the_end(click: Click) -> bool:
    """A play whose watch time reached the video's length (完播)."""
    watched, length = click.watch_time_s, click.video_length_s
    return click.kind == "play" and watched is not None and length is not None and watched >= length


def order_activity(order: Order, origin: Origin | None = None) -> Activity | None:
    if order.campaign_id is None:
        return None
    return Activity(
        campaign_id=order.campaign_id,
        creative_id=order.creative_id,
        shop_id=order.shop_id,
        ts=order.ts.timestamp(),
        kind="order",
        gmv=money_units(order.amount),
        src=None if origin is None else (ORDERS, *origin),
    )


async def route_clicks(clicks: Sequence[Click], origins: Sequence[Origin]) -> None:
    await send_envelopes(topics.clicks_valid, clicks, key=lambda c: c.campaign_id)
    acts = list(map(click_activity, clicks, origins))
    await send_envelopes(topics.campaign_activity, acts, key=lambda a: a.campaign_id)
    await route_match_clicks(clicks)
    await route_click_flows(clicks, [a.completed for a in acts])


async def route_payments(payments: Sequence[Payment]) -> None:
    """Payments go to their order's partition, where the payment rules judge them."""
    items = [OrderOrPayment(payment=p) for p in payments]
    await send_envelopes(topics.payments_by_order, items, key=lambda i: i.order_id)
    await route_payment_flows(payments)


def refund_sale(refund: Refund) -> ShopSale:
    return ShopSale(
        kind="refund",
        id=refund.refund_id,
        order_id=refund.order_id,
        shop_id=refund.shop_id,
        sku=refund.sku,
        ts=refund.ts.timestamp(),
    )


def order_sale(order: Order) -> ShopSale:
    return ShopSale(
        kind="order",
        id=order.order_id,
        order_id=order.order_id,
        shop_id=order.shop_id,
        sku=order.sku,
        ts=order.ts.timestamp(),
    )


async def route_refunds(refunds: Sequence[Refund]) -> None:
    """Refunds go to their shop's partition (the warehouse keeps them), and as sales to
    the shop's partition of shop-sales, where the refund-spike rule counts them against
    the shop's orders."""
    await send_envelopes(topics.refunds_by_shop, refunds, key=lambda r: r.shop_id)
    sales = [refund_sale(r) for r in refunds]
    await send_envelopes(topics.shop_sales, sales, key=lambda s: s.shop_id)


async def route_risk_orders(orders: Sequence[Order]) -> None:
    """Orders re-keyed to each entity a risk rule keeps state on (no device: not routed
    there); each order is written as JSON once for the five topics."""
    written = [record_json(o) for o in orders]
    await send_envelopes(topics.orders_by_ip, orders, key=lambda o: o.ip, written=written)
    devices = [i for i, o in enumerate(orders) if o.device_id is not None]
    await send_envelopes(
        topics.orders_by_device,
        [orders[i] for i in devices],
        key=lambda o: str(o.device_id),
        written=[written[i] for i in devices],
    )
    await send_envelopes(topics.orders_by_user, orders, key=lambda o: o.user_id, written=written)
    await send_envelopes(topics.orders_by_sku, orders, key=lambda o: o.sku, written=written)
    await send_envelopes(topics.orders_by_shop, orders, key=lambda o: o.shop_id, written=written)


async def route_orders(orders: Sequence[Order], origins: Sequence[Origin]) -> None:
    await route_risk_orders(orders)
    acts = [a for a in map(order_activity, orders, origins) if a is not None]
    await send_envelopes(topics.campaign_activity, acts, key=lambda a: a.campaign_id)
    seen = [OrderOrPayment(order=OrderSeen.of(o)) for o in orders]
    await send_envelopes(topics.payments_by_order, seen, key=lambda i: i.order_id)
    sales = [order_sale(o) for o in orders]
    await send_envelopes(topics.shop_sales, sales, key=lambda s: s.shop_id)
    await route_order_flows(orders)
