"""What the commission agent keeps per order: the order, its successful payments, and
whether its commission went out. Orders quiet for ``KEEP_S`` are forgotten."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from warroom.rules.commission.splits import PaidOrder
from warroom.schemas.commission import OrderMoney

#: How long an order waits for its payment (and is remembered after it was paid).
KEEP_S = 7 * 86_400.0


@dataclass
class OrderLedger:
    order: OrderMoney | None = None
    paid: Decimal = Decimal(0)
    payment_ids: set[str] = field(default_factory=set)
    paid_at: float | None = None
    done: bool = False
    last_ts: float = 0.0

    def add(self, item: OrderMoney) -> None:
        self.last_ts = max(self.last_ts, item.ts)
        if item.kind == "order":
            self.order = self.order or item  # a resent order changes nothing
            return
        if item.status != "success" or item.payment_id in self.payment_ids:
            return
        self.payment_ids.add(item.payment_id)
        self.paid += item.amount
        self.paid_at = item.ts if self.paid_at is None else min(self.paid_at, item.ts)

    def ready(self) -> PaidOrder | None:
        """The paid order to split, once both its order and a successful payment are in
        (never twice); paid is at most the order's amount."""
        if self.done or self.order is None or self.paid_at is None:
            return None
        o = self.order
        return PaidOrder(
            o.order_id, o.shop_id, min(self.paid, o.amount), o.creator_id or None, o.referrers
        )


class PickledOrderMoney:
    """``OrderMoney`` as checkpoints before session 12 pickled it (a pydantic model)."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.fields = state["__dict__"]


#: How a pickled checkpoint's classes are read (``KeyedState``'s ``pickled_classes``).
PICKLED_CLASSES = {"warroom.schemas.commission.OrderMoney": PickledOrderMoney}


def upgrade(ledgers: dict[str, OrderLedger]) -> dict[str, OrderLedger]:
    """A pickled checkpoint's ledgers with their orders as ``OrderMoney`` again."""
    for ledger in ledgers.values():
        if isinstance(ledger.order, PickledOrderMoney):
            ledger.order = OrderMoney(**ledger.order.fields)
    return ledgers


def expired(ledgers: dict[str, OrderLedger], now: float) -> list[str]:
    return [k for k, v in ledgers.items() if v.last_ts < now - KEEP_S]
