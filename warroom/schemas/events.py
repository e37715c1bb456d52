"""Events platforms stream in: clicks (impression / play / click), orders, payments, refunds,
stock levels, product searches, private messages and follows.

Namespace ``warroom.v1``: a breaking change gets ``v2``, never a silent edit.
Unknown fields are ignored so that platforms can add fields without breaking us.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from warroom.schemas.types import EventTime, Id, IpAddress, Money, Text

NAMESPACE = "warroom.v1"


class Event(BaseModel):
    """What every event carries: an idempotency id and its event time (UTC)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: Id
    ts: EventTime


#: Where ingest read an event: (input partition, offset, position among the message's
#: valid events). Not part of the event (ingest keeps it beside it: a private attribute
#: on every event cost more than validating one): it lets state downstream skip an event
#: the ingest hop forwarded twice (after a crash, before its input offsets were committed).
Origin = tuple[int, int, int]


class Viewer(BaseModel):
    """The viewer's profile as the platform reports it; every part is optional."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    viewer_id: Id
    gender: Literal["f", "m", "u"] = "u"
    age_band: Literal["<18", "18-23", "24-30", "31-40", "41-50", "50+", "unknown"] = "unknown"
    spending_power: int | None = Field(None, ge=1, le=5, description="1 low .. 5 high")
    city: Text | None = None
    city_tier: int | None = Field(None, ge=1, le=5)


class Click(Event):
    """An ad interaction: an impression, a play of the video, or a click on the product."""

    kind: Literal["impression", "play", "click"]
    shop_id: Id
    campaign_id: Id
    creative_id: Id
    creator_id: Id | None = None
    product_id: Id | None = None
    viewer: Viewer
    cost: Money = Field(Decimal(0), description="what this interaction cost the advertiser, CNY")
    watch_time_s: float | None = Field(None, ge=0, le=86_400)
    video_length_s: float | None = Field(None, gt=0, le=86_400)


class Order(Event):
    """A placed order, with the ad it is attributed to when there is one."""

    order_id: Id
    user_id: Id
    ip: IpAddress
    device_id: Id | None = None
    shop_id: Id
    sku: Id
    quantity: int = Field(ge=1, le=100_000)
    unit_price: Money
    amount: Money
    campaign_id: Id | None = None
    creative_id: Id | None = None
    creator_id: Id | None = None
    channel: Literal["live", "video", "search", "shop", "other"] = "other"
    city: Text | None = None
    referrers: tuple[Id, ...] = Field(
        (), max_length=5, description="the distribution chain (分销), nearest first"
    )


class Payment(Event):
    """A payment attempt for an order."""

    payment_id: Id
    order_id: Id
    amount: Money
    method: Literal["alipay", "wechat", "card", "balance", "other"]
    status: Literal["success", "failed", "pending"]
    card_hash: Id | None = None


class Refund(Event):
    """A refund on an order (an after-sale return or money back), as the platform reports it."""

    refund_id: Id
    order_id: Id
    shop_id: Id
    sku: Id
    amount: Money
    user_id: Id | None = None
    reason: Literal["quality", "not_as_described", "not_received", "changed_mind", "other"] = (
        "other"
    )


class StockLevel(Event):
    """A SKU's sellable stock as the shop's inventory reports it (a restock, a count, the
    stock set for a flash sale); orders after ``ts`` count down from ``available``."""

    shop_id: Id
    sku: Id
    available: int = Field(ge=0, le=2_147_483_647)


class Search(Event):
    """A search on the platform that showed a product (the radar's search growth)."""

    shop_id: Id
    product_id: Id
    query: Text | None = None
    viewer_id: Id | None = None


class PrivateMessage(Event):
    """A viewer's private message (私信) to a shop, from an ad or a video when known."""

    shop_id: Id
    viewer_id: Id
    campaign_id: Id | None = None
    creative_id: Id | None = None
    product_id: Id | None = None


class Follow(Event):
    """A user following a shop (and the creator whose content led there, when known)."""

    user_id: Id
    shop_id: Id
    creator_id: Id | None = None


EVENT_TYPES: dict[str, type[Event]] = {
    "clicks": Click,
    "orders": Order,
    "payments": Payment,
    "refunds": Refund,
    "stock": StockLevel,
    "searches": Search,
    "messages": PrivateMessage,
    "follows": Follow,
}
