"""Commission records: what the split agent joins (orders and their payments, keyed by
order), and the commission lines it writes (one per level of a paid order)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

import msgspec
from pydantic import BaseModel, ConfigDict

from warroom.schemas.events import Order, Payment


class OrderMoney(msgspec.Struct, frozen=True, kw_only=True):
    """An order (who sold it) or a payment of it, on the order-payments topic (a struct:
    the commission agent keeps the orders for a week, and checkpoints them as MessagePack)."""

    kind: Literal["order", "payment"]
    order_id: str
    ts: float
    amount: Decimal
    shop_id: str = ""
    campaign_id: str = ""
    creative_id: str = ""
    creator_id: str = ""
    referrers: tuple[str, ...] = ()
    payment_id: str = ""
    status: str = ""

    @classmethod
    def of_order(cls, order: Order) -> OrderMoney:
        return cls(
            kind="order",
            order_id=order.order_id,
            ts=order.ts.timestamp(),
            amount=order.amount,
            shop_id=order.shop_id,
            campaign_id=order.campaign_id or "",
            creative_id=order.creative_id or "",
            creator_id=order.creator_id or "",
            referrers=order.referrers,
        )

    @classmethod
    def of_payment(cls, payment: Payment) -> OrderMoney:
        return cls(
            kind="payment",
            order_id=payment.order_id,
            ts=payment.ts.timestamp(),
            amount=payment.amount,
            payment_id=payment.payment_id,
            status=payment.status,
        )


class CommissionLine(BaseModel):
    """One level's commission on one paid order (the warehouse's ``commissions`` rows)."""

    model_config = ConfigDict(frozen=True)

    key: str  # "{order id}|{level}"
    order_id: str
    shop_id: str
    campaign_id: str
    creative_id: str
    creator_id: str
    level: int
    role: str
    party_id: str
    share: Decimal
    base: Decimal  # the amount paid the pool is a share of
    amount: Decimal
    rule_version: int
    paid_at: datetime  # event time of the payment that made the order paid
