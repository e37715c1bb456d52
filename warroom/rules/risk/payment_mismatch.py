"""Payment mismatch: the amount paid differs from the order's amount beyond a tolerance."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from warroom.rules.base import Hit, RuleParams
from warroom.schemas.events import Payment

RULE_ID = "risk.payment_mismatch"


class Params(RuleParams):
    tolerance: Decimal = Field(
        Decimal("0.01"),
        ge=0,
        le=1_000_000,
        allow_inf_nan=False,
        description="largest accepted difference between paid and ordered amounts, CNY",
    )
    score: float = Field(60, ge=0, le=100, description="risk score a hit adds")


def payment_mismatch(payment: Payment, order_amount: Decimal | None, params: Params) -> Hit | None:
    """Judge a payment against the amount of the order it pays.

    ``order_amount`` is None when the order is unknown (the unknown-order rule
    judges that). Failed attempts moved no money and are not judged here.

    >>> from datetime import UTC, datetime
    >>> p = Payment(event_id="e1", ts=datetime(2024, 11, 11, tzinfo=UTC), payment_id="p1",
    ...             order_id="o1", amount=Decimal("90.00"), method="alipay", status="success")
    >>> payment_mismatch(p, Decimal("100.00"), Params()).observed["difference"]
    Decimal('-10.00')
    >>> payment_mismatch(p, Decimal("90.01"), Params()) is None  # within one fen
    True
    """
    if order_amount is None or payment.status == "failed":
        return None
    difference = payment.amount - order_amount
    if abs(difference) <= params.tolerance:
        return None
    how = "short" if difference < 0 else "over"
    return Hit(
        rule_id=RULE_ID,
        entity=f"order:{payment.order_id}",
        score=params.score,
        observed={
            "paid": payment.amount,
            "order_amount": order_amount,
            "difference": difference,
            "status": payment.status,
        },
        thresholds={"tolerance": params.tolerance},
        explanation=(
            f"payment {payment.payment_id} paid ¥{payment.amount:.2f} for order "
            f"{payment.order_id} of ¥{order_amount:.2f}: ¥{abs(difference):.2f} {how} "
            f"(tolerance ¥{params.tolerance})"
        ),
        evidence=(payment.payment_id,),
    )
