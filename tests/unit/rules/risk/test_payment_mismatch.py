"""Payment mismatch: paid amount differs from the order amount by more than ¥0.01."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.payment_mismatch import RULE_ID, Params, payment_mismatch
from warroom.schemas.events import Payment

Status = Literal["success", "failed", "pending"]


def payment(amount: str | Decimal, status: Status = "success") -> Payment:
    return Payment(
        event_id="evt-pay-1",
        ts=datetime(2024, 11, 11, 12, 0, 5, tzinfo=UTC),
        payment_id="ALI2024111100001",
        order_id="DY2411000042",
        amount=Decimal(amount),
        method="alipay",
        status=status,
    )


@pytest.mark.parametrize(
    ("case", "paid", "ordered", "status", "difference"),
    [
        ("paid in full", "100.00", "100.00", "success", None),
        ("one fen over: within tolerance", "100.01", "100.00", "success", None),
        ("one fen short: within tolerance", "99.99", "100.00", "success", None),
        ("just over a fen over", "100.0101", "100.00", "success", "0.0101"),
        ("just over a fen short", "99.9899", "100.00", "success", "-0.0101"),
        ("ten yuan short", "90.00", "100.00", "success", "-10.00"),
        ("paid for the wrong order", "9999.00", "99.00", "success", "9900.00"),
        ("a pending payment short", "50.00", "100.00", "pending", "-50.00"),
        ("a failed attempt moved no money", "50.00", "100.00", "failed", None),
        ("the order is unknown", "50.00", None, "success", None),
    ],
)
def test_default_rule_on_a_table_of_payments(
    case: str, paid: str, ordered: str | None, status: Status, difference: str | None
) -> None:
    order_amount = None if ordered is None else Decimal(ordered)

    hit = payment_mismatch(payment(paid, status), order_amount, Params())

    if difference is None:
        assert hit is None, case
    else:
        assert hit is not None, case
        assert hit.observed["difference"] == Decimal(difference)


def test_hit_explains_paid_ordered_and_tolerance() -> None:
    hit = payment_mismatch(payment("90.00"), Decimal("100.00"), Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.payment_mismatch"
    assert hit.entity == "order:DY2411000042"
    assert hit.score == 60
    assert hit.observed == {
        "paid": Decimal("90.00"),
        "order_amount": Decimal("100.00"),
        "difference": Decimal("-10.00"),
        "status": "success",
    }
    assert hit.thresholds == {"tolerance": Decimal("0.01")}
    assert hit.evidence == ("ALI2024111100001",)
    assert hit.explanation == (
        "payment ALI2024111100001 paid ¥90.00 for order DY2411000042 of ¥100.00: "
        "¥10.00 short (tolerance ¥0.01)"
    )


def test_zero_tolerance_catches_the_smallest_difference() -> None:
    assert payment_mismatch(payment("100.0001"), Decimal("100"), Params(tolerance=0)) is not None


def test_tolerance_is_published_as_a_decimal_string() -> None:
    params = Params.model_validate({"tolerance": "0.05"})
    assert params.tolerance == Decimal("0.05")
    assert Params.model_validate(params.model_dump(mode="json")) == params


@pytest.mark.parametrize(
    "bad",
    [
        {"tolerance": "-0.01"},
        {"tolerance": "NaN"},
        {"tolerance": "Infinity"},
        {"tolerance": 1_000_001},
        {"score": 100.5},
        {"tol": 1},
    ],
)
def test_out_of_range_parameters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Params.model_validate(bad)


# -- properties -------------------------------------------------------------------------------

money = st.decimals(0, 100_000, places=2, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(0, 100, places=4, allow_nan=False, allow_infinity=False)
statuses = st.sampled_from(["success", "failed", "pending"])


@given(money, st.one_of(st.none(), money), statuses, tolerances, tolerances)
def test_raising_the_tolerance_never_adds_hits(
    paid: Decimal, ordered: Decimal | None, status: Status, low: Decimal, high: Decimal
) -> None:
    assume(low <= high)
    strict = payment_mismatch(payment(paid, status), ordered, Params(tolerance=low))
    lenient = payment_mismatch(payment(paid, status), ordered, Params(tolerance=high))
    assert not (lenient is not None and strict is None)


@given(money, money, statuses, tolerances)
def test_hits_are_consistent_with_their_thresholds(
    paid: Decimal, ordered: Decimal, status: Status, tolerance: Decimal
) -> None:
    hit = payment_mismatch(payment(paid, status), ordered, Params(tolerance=tolerance))

    assert (hit is None) == (status == "failed" or abs(paid - ordered) <= tolerance)
    if hit is not None:
        assert hit.observed["difference"] == hit.observed["paid"] - hit.observed["order_amount"]
        assert abs(hit.observed["difference"]) > hit.thresholds["tolerance"]
