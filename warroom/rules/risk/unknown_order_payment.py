"""Payment for an unknown order: the order is still unseen a grace period after the payment."""

from __future__ import annotations

from pydantic import Field

from warroom.rules.base import Hit, RuleParams
from warroom.schemas.events import Payment

RULE_ID = "risk.unknown_order_payment"


class Params(RuleParams):
    grace_s: int = Field(
        300, ge=0, le=7 * 86_400, description="how long an order may arrive after its payment, s"
    )
    score: float = Field(40, ge=0, le=100, description="risk score a hit adds")


def unknown_order_payment(
    payment: Payment, order_known: bool, now: float, params: Params
) -> Hit | None:
    """Judge a payment whose order may not have been seen yet.

    ``order_known`` says whether the order has been seen by ``now`` (epoch seconds,
    the time of the check). The payment is hit once ``grace_s`` seconds have passed
    since its own time and its order is still unknown; before that, no hit yet.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal
    >>> p = Payment(event_id="e1", ts=datetime(2024, 11, 11, tzinfo=UTC), payment_id="p1",
    ...             order_id="o404", amount=Decimal("9.90"), method="wechat", status="success")
    >>> t = p.ts.timestamp()
    >>> unknown_order_payment(p, False, t + 299, Params()) is None
    True
    >>> unknown_order_payment(p, False, t + 300, Params()).observed["waited_s"]
    300.0
    """
    if order_known:
        return None
    waited = now - payment.ts.timestamp()
    if waited < params.grace_s:
        return None
    return Hit(
        rule_id=RULE_ID,
        entity=f"order:{payment.order_id}",
        score=params.score,
        observed={"waited_s": waited, "status": payment.status, "amount": payment.amount},
        thresholds={"grace_s": params.grace_s},
        explanation=(
            f"payment {payment.payment_id} (¥{payment.amount:.2f}, {payment.status}) is for "
            f"order {payment.order_id}, still unseen {waited:.0f} s later "
            f"(grace {params.grace_s} s)"
        ),
        evidence=(payment.payment_id,),
    )
