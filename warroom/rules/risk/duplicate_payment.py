"""Duplicate payment id: a payment id seen before, under another event id."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field

from warroom.rules.base import Hit, RuleParams
from warroom.schemas.events import Payment

RULE_ID = "risk.duplicate_payment"
#: How long (event time) a payment id and its order are remembered, by the worker and by
#: backtests alike: a payment id seen again later than this is not a duplicate any more.
MEMORY_S = 2 * 3600.0


class Params(RuleParams):
    score: float = Field(50, ge=0, le=100, description="risk score a hit adds")


@dataclass(frozen=True, slots=True)
class Sighting:
    """What the agent remembers of the latest event carrying a payment id."""

    event_id: str
    ts: float
    order_id: str
    amount: Decimal
    status: str

    @classmethod
    def of(cls, payment: Payment) -> Sighting:
        return cls(
            payment.event_id,
            payment.ts.timestamp(),
            payment.order_id,
            payment.amount,
            payment.status,
        )


def duplicate_payment(payment: Payment, earlier: Sighting | None, params: Params) -> Hit | None:
    """Judge a payment against the earlier sighting of its payment id (None: first one).

    The same event id again is a redelivery, never a hit. A pending payment that
    settles (pending → success or failed, same order and amount) is the normal
    lifecycle, not a duplicate. Anything else is: the same id for another order or
    amount, a second success (double capture), a repeated status.

    >>> from datetime import UTC, datetime
    >>> p = Payment(event_id="e2", ts=datetime(2024, 11, 11, tzinfo=UTC), payment_id="p1",
    ...             order_id="o1", amount=Decimal("9.90"), method="wechat", status="success")
    >>> seen = Sighting("e1", p.ts.timestamp() - 5, "o1", Decimal("9.90"), "success")
    >>> duplicate_payment(p, seen, Params()).observed["reasons"]
    ['success twice']
    >>> duplicate_payment(p, Sighting("e1", 0.0, "o1", Decimal("9.90"), "pending"), Params())
    """
    if earlier is None or earlier.event_id == payment.event_id:
        return None
    reasons = _reasons(payment, earlier)
    if not reasons:
        return None
    return Hit(
        rule_id=RULE_ID,
        entity=f"order:{payment.order_id}",
        score=params.score,
        observed={
            "payment_id": payment.payment_id,
            "reasons": reasons,
            "earlier_event_id": earlier.event_id,
            "earlier_order_id": earlier.order_id,
            "earlier_amount": earlier.amount,
            "earlier_status": earlier.status,
            "gap_s": payment.ts.timestamp() - earlier.ts,
        },
        thresholds={},
        explanation=(
            f"payment id {payment.payment_id} seen before in event {earlier.event_id}: "
            + ", ".join(reasons)
        ),
        evidence=(earlier.event_id, payment.event_id),
    )


def _reasons(payment: Payment, earlier: Sighting) -> list[str]:
    reasons = []
    if payment.order_id != earlier.order_id:
        reasons.append(f"order {earlier.order_id} then {payment.order_id}")
    if payment.amount != earlier.amount:
        reasons.append(f"amount ¥{earlier.amount:.2f} then ¥{payment.amount:.2f}")
    settles = earlier.status == "pending" and payment.status != "pending"
    if not reasons and not settles:
        twice = payment.status == earlier.status
        moved = f"{earlier.status} then {payment.status}"
        reasons.append(f"{payment.status} twice" if twice else moved)
    return reasons
