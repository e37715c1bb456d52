"""Records on warroom's internal topics (validated already, compact)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict

from warroom.schemas.events import Order, Payment


class Activity(msgspec.Struct, frozen=True, kw_only=True):
    """One thing that happened to a campaign: an ad interaction or an attributed order."""

    campaign_id: str
    creative_id: str | None
    shop_id: str
    ts: float
    kind: Literal["impression", "play", "click", "order"]
    spend: int = 0
    gmv: int = 0
    completed: bool = False  # a play watched to the end
    #: The ingested event's origin: (input topic code, partition, offset, position); see
    #: ``schemas.events.Origin``. None for activities without one (tests, replays of old data).
    src: tuple[int, int, int, int] | None = None


class CampaignMinute(BaseModel):
    """Counters of one campaign in one event-time minute (money in 0.0001 CNY)."""

    model_config = ConfigDict(frozen=True)

    minute: int
    impressions: int = 0
    plays: int = 0
    completions: int = 0  # plays watched to the end
    clicks: int = 0
    spend: int = 0
    orders: int = 0
    gmv: int = 0


class CampaignLive(BaseModel):
    """A snapshot of one campaign's last hour, minute by minute."""

    model_config = ConfigDict(frozen=True)

    campaign_id: str
    shop_id: str
    minutes: list[CampaignMinute]
    updated_at: float
    today: dict[str, Any] | None = None  # the shop-local day so far (``DayTotals``)
    time_zone: str | None = None


class CreativeLive(BaseModel):
    """A snapshot of one creative's last hour, minute by minute (on the creative-live topic)."""

    model_config = ConfigDict(frozen=True)

    creative_id: str
    campaign_id: str
    shop_id: str
    minutes: list[CampaignMinute]
    updated_at: float
    today: dict[str, Any] | None = None  # the shop-local day so far (``DayTotals``)
    time_zone: str | None = None


class OrderSeen(BaseModel):
    """What the payment rules need to know of an order."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    shop_id: str
    user_id: str
    amount: Decimal
    ts: float

    @classmethod
    def of(cls, order: Order) -> OrderSeen:
        return cls(
            order_id=order.order_id,
            shop_id=order.shop_id,
            user_id=order.user_id,
            amount=order.amount,
            ts=order.ts.timestamp(),
        )


class OrderOrPayment(BaseModel):
    """One item on payments-by-order: an order seen, or a payment (exactly one is set)."""

    model_config = ConfigDict(frozen=True)

    order: OrderSeen | None = None
    payment: Payment | None = None

    @property
    def order_id(self) -> str:
        if self.order is not None:
            return self.order.order_id
        if self.payment is not None:
            return self.payment.order_id
        raise ValueError("an empty payments-by-order item")


class ShopSale(msgspec.Struct, frozen=True, kw_only=True):
    """An order placed or refunded, on refunds-by-shop: what the refund-spike rule counts."""

    kind: Literal["order", "refund"]
    id: str  # the order id or the refund id
    order_id: str
    shop_id: str
    sku: str
    ts: float
