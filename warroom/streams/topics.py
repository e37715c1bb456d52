"""Every topic, declared once. Values are JSON envelopes (one event or an array).

Names are ``<app_id>.<name>.v1``; ``warroom.orders.v1`` with the default app id.
"""

from __future__ import annotations

from faust.types import TopicT

from warroom.app import app
from warroom.streams import model_topics
from warroom.streams.admin import ensure_topics
from warroom.streams.names import topic_name


def _topic(name: str, internal: bool = False) -> TopicT:
    return app.topic(
        topic_name(name),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        internal=internal,
    )


# What platforms write: clicks (impression / play / click), orders, payments, refunds.
clicks = _topic("clicks")
orders = _topic("orders")
payments = _topic("payments")
refunds = _topic("refunds")
#: Stock levels per SKU and product searches (the flash-sale countdown and the radar).
stock = _topic("stock")
searches = _topic("searches")
#: Private messages to shops and follows of shops (the conversion path and the fan loop).
messages = _topic("messages")
follows = _topic("follows")
INPUTS = {
    "clicks": clicks,
    "orders": orders,
    "payments": payments,
    "refunds": refunds,
    "stock": stock,
    "searches": searches,
    "messages": messages,
    "follows": follows,
}

# What warroom writes for people and other systems.
deadletter = _topic("deadletter")
verdicts = _topic("verdicts")
decisions = _topic("decisions")
#: Reviewers' decisions on held orders (fraud / legit), for models and the warehouse.
labels = _topic("labels")

# Rule versions (and later other live configuration) for every worker: one partition,
# compacted, read in full by each worker.
control = _topic("control")
COMPACTED = (control,)

# Internal: validated events re-partitioned by what each agent keys its state on.
orders_by_ip = _topic("orders-by-ip", internal=True)
orders_by_device = _topic("orders-by-device", internal=True)
orders_by_user = _topic("orders-by-user", internal=True)
#: Orders keyed by SKU (price deviation) and by shop (night surge per shop and its SKUs).
orders_by_sku = _topic("orders-by-sku", internal=True)
orders_by_shop = _topic("orders-by-shop", internal=True)
#: Validated clicks, as ingest wrote them back (for the warehouse: no second validation).
clicks_valid = _topic("clicks-valid", internal=True)
campaign_activity = _topic("campaign-activity", internal=True)
campaign_live = _topic("campaign-live", internal=True)
creative_live = _topic("creative-live", internal=True)
#: Orders (compact) and payments keyed by order id: an order and its payments co-partitioned.
payments_by_order = _topic("payments-by-order", internal=True)
#: Payment attempts keyed by payer ("user:u1", "card:h9f"), from the payment agent.
payments_by_payer = _topic("payments-by-payer", internal=True)
#: Validated refunds keyed by shop (for the warehouse).
refunds_by_shop = _topic("refunds-by-shop", internal=True)
#: Orders and refunds (``ShopSale``) keyed by shop: the refund-spike rule's counts.
shop_sales = _topic("shop-sales", internal=True)
#: Partial verdicts keyed by order id: each risk agent's hits, summed into one verdict per order.
risk_hits = _topic("risk-hits", internal=True)
#: Shadow comparisons (a rule's candidate beside its live version), for the API's report.
shadow = _topic("shadow", internal=True)
#: Orders and stock levels (``SkuFlow``) keyed by SKU: the flash-sale stock countdown.
sku_stock = _topic("sku-stock", internal=True)
#: Each SKU's stock countdown (``StockSnapshot``), for the API.
stock_live = _topic("stock-live", internal=True)
#: Clicks, orders, searches and stock (``ProductFlow``) keyed by product: the radar.
product_activity = _topic("product-activity", internal=True)
#: Each product's radar row (``RadarRow``), for the API.
radar_live = _topic("radar-live", internal=True)
#: Orders and payments (``OrderMoney``) keyed by order id: the commission splits.
order_payments = _topic("order-payments", internal=True)
#: Commission lines of paid orders (``CommissionLine``), keyed by shop, for the warehouse.
commissions = _topic("commissions")
#: Views, clicks, messages, orders and follows (``Journey``) keyed by viewer.
viewer_journeys = _topic("viewer-journeys", internal=True)
#: Retargeting audience members, funnel and loop counts (``JourneyNews``), for the API.
journeys_live = _topic("journeys-live", internal=True)
#: Each creative A/B test's state (``AbTestState``), for the API.
ab_tests_live = _topic("ab-tests-live", internal=True)

ALL = (
    clicks,
    orders,
    payments,
    refunds,
    deadletter,
    verdicts,
    decisions,
    labels,
    control,
    orders_by_ip,
    orders_by_device,
    orders_by_user,
    orders_by_sku,
    orders_by_shop,
    clicks_valid,
    campaign_activity,
    campaign_live,
    creative_live,
    payments_by_order,
    payments_by_payer,
    refunds_by_shop,
    shop_sales,
    risk_hits,
    shadow,
    stock,
    searches,
    sku_stock,
    stock_live,
    product_activity,
    radar_live,
    order_payments,
    commissions,
    messages,
    follows,
    viewer_journeys,
    journeys_live,
    ab_tests_live,
    *model_topics.ALL,
)


def all_names() -> list[str]:
    return [topic.get_topic_name() for topic in ALL]


def compacted_names() -> list[str]:
    return [topic.get_topic_name() for topic in COMPACTED]


def ensure_all(bootstrap: str, partitions: int) -> list[str]:
    """Create every warroom topic that does not exist yet (blocking)."""
    return ensure_topics(bootstrap, all_names(), partitions, compacted_names())
