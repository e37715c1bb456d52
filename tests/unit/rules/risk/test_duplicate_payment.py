"""Duplicate payment id: a payment id seen before under another event id."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.rules.risk.duplicate_payment import RULE_ID, Params, Sighting, duplicate_payment
from warroom.schemas.events import Payment

Status = Literal["success", "failed", "pending"]
STATUSES: tuple[Status, ...] = ("success", "failed", "pending")
PAID_AT = datetime(2024, 11, 11, 12, 0, 30, tzinfo=UTC)


def payment(
    status: Status = "success",
    event_id: str = "evt-2",
    order_id: str = "DY2411000042",
    amount: str = "99.00",
) -> Payment:
    return Payment(
        event_id=event_id,
        ts=PAID_AT,
        payment_id="ALI2024111100001",
        order_id=order_id,
        amount=Decimal(amount),
        method="alipay",
        status=status,
    )


def seen(
    status: str = "success",
    event_id: str = "evt-1",
    order_id: str = "DY2411000042",
    amount: str = "99.00",
) -> Sighting:
    return Sighting(event_id, PAID_AT.timestamp() - 30, order_id, Decimal(amount), status)


@pytest.mark.parametrize(
    ("case", "now", "earlier", "reasons"),
    [
        ("first sighting", payment(), None, None),
        ("the same event redelivered", payment(event_id="evt-1"), seen(), None),
        ("pending settles as success", payment("success"), seen("pending"), None),
        ("pending settles as failed", payment("failed"), seen("pending"), None),
        (
            "a second success: double capture",
            payment("success"),
            seen("success"),
            ["success twice"],
        ),
        ("failed twice", payment("failed"), seen("failed"), ["failed twice"]),
        ("pending twice", payment("pending"), seen("pending"), ["pending twice"]),
        ("failed, then success", payment("success"), seen("failed"), ["failed then success"]),
        ("success, then pending", payment("pending"), seen("success"), ["success then pending"]),
        (
            "the same id paying another order",
            payment(order_id="DY2411000043"),
            seen("pending"),
            ["order DY2411000042 then DY2411000043"],
        ),
        (
            "the same id with another amount",
            payment(amount="9.90"),
            seen("pending"),
            ["amount ¥99.00 then ¥9.90"],
        ),
        (
            "another order and another amount",
            payment(order_id="DY2411000043", amount="9.90"),
            seen(),
            ["order DY2411000042 then DY2411000043", "amount ¥99.00 then ¥9.90"],
        ),
    ],
)
def test_rule_on_a_table_of_sightings(
    case: str, now: Payment, earlier: Sighting | None, reasons: list[str] | None
) -> None:
    hit = duplicate_payment(now, earlier, Params())

    if reasons is None:
        assert hit is None, case
    else:
        assert hit is not None, case
        assert hit.observed["reasons"] == reasons


def test_hit_names_both_events_and_the_earlier_sighting() -> None:
    hit = duplicate_payment(payment(), seen(), Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.duplicate_payment"
    assert hit.entity == "order:DY2411000042"
    assert hit.score == 50
    assert hit.observed == {
        "payment_id": "ALI2024111100001",
        "reasons": ["success twice"],
        "earlier_event_id": "evt-1",
        "earlier_order_id": "DY2411000042",
        "earlier_amount": Decimal("99.00"),
        "earlier_status": "success",
        "gap_s": 30.0,
    }
    assert hit.thresholds == {}
    assert hit.evidence == ("evt-1", "evt-2")
    assert hit.explanation == (
        "payment id ALI2024111100001 seen before in event evt-1: success twice"
    )


def test_a_sighting_remembers_what_the_rule_compares() -> None:
    p = payment("pending", event_id="evt-9")
    assert Sighting.of(p) == Sighting("evt-9", PAID_AT.timestamp(), p.order_id, p.amount, "pending")


def test_the_score_is_bounded() -> None:
    with pytest.raises(ValueError, match="less than or equal to 100"):
        Params(score=101)


# -- properties -------------------------------------------------------------------------------

sightings = st.builds(
    seen,
    status=st.sampled_from(STATUSES),
    event_id=st.sampled_from(["evt-1", "evt-2"]),
    order_id=st.sampled_from(["DY2411000042", "DY2411000043"]),
    amount=st.sampled_from(["99.00", "9.90"]),
)
payments = st.builds(
    payment,
    status=st.sampled_from(STATUSES),
    event_id=st.sampled_from(["evt-1", "evt-2"]),
    order_id=st.sampled_from(["DY2411000042", "DY2411000043"]),
    amount=st.sampled_from(["99.00", "9.90"]),
)


@given(payments, sightings)
def test_a_hit_always_has_two_events_and_a_reason(now: Payment, earlier: Sighting) -> None:
    hit = duplicate_payment(now, earlier, Params())

    if now.event_id == earlier.event_id:
        assert hit is None
    if hit is not None:
        assert hit.evidence[0] != hit.evidence[1]
        assert hit.observed["reasons"]


@given(payments, sightings)
def test_only_the_pending_lifecycle_is_spared(now: Payment, earlier: Sighting) -> None:
    hit = duplicate_payment(now, earlier, Params())

    lifecycle = (
        earlier.status == "pending"
        and now.status != "pending"
        and (now.order_id, now.amount) == (earlier.order_id, earlier.amount)
    )
    assert (hit is None) == (now.event_id == earlier.event_id or lifecycle)
