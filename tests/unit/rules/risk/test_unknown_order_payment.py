"""Unknown-order payment: the order is still unseen 300 s after the payment's time."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.unknown_order_payment import RULE_ID, Params, unknown_order_payment
from warroom.schemas.events import Payment

Status = Literal["success", "failed", "pending"]
PAID_AT = datetime(2024, 11, 11, 12, 0, tzinfo=UTC)
T = PAID_AT.timestamp()


def payment(status: Status = "success") -> Payment:
    return Payment(
        event_id="evt-wx-9",
        ts=PAID_AT,
        payment_id="WX2024111100009",
        order_id="KS2411999999",
        amount=Decimal("199.00"),
        method="wechat",
        status=status,
    )


@pytest.mark.parametrize(
    ("case", "known", "now", "params", "fires"),
    [
        ("the order arrived", True, T + 3600, {}, False),
        ("still within the grace period", False, T + 299, {}, False),
        ("grace period just over", False, T + 300, {}, True),
        ("an hour later", False, T + 3600, {}, True),
        ("checked before the payment's time (clock skew)", False, T - 60, {}, False),
        ("no grace: at once", False, T, {"grace_s": 0}, True),
        ("a longer grace", False, T + 600, {"grace_s": 900}, False),
    ],
)
def test_default_rule_on_a_table_of_checks(
    case: str, known: bool, now: float, params: dict[str, int], fires: bool
) -> None:
    hit = unknown_order_payment(payment(), known, now, Params(**params))
    assert (hit is not None) == fires, case


@pytest.mark.parametrize("status", ["success", "failed", "pending"])
def test_every_status_counts(status: Status) -> None:
    hit = unknown_order_payment(payment(status), False, T + 301, Params())
    assert hit is not None
    assert hit.observed["status"] == status


def test_hit_explains_how_long_the_order_has_been_missing() -> None:
    hit = unknown_order_payment(payment(), False, T + 420, Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.unknown_order_payment"
    assert hit.entity == "order:KS2411999999"
    assert hit.score == 40
    assert hit.observed == {"waited_s": 420.0, "status": "success", "amount": Decimal("199.00")}
    assert hit.thresholds == {"grace_s": 300}
    assert hit.evidence == ("WX2024111100009",)
    assert hit.explanation == (
        "payment WX2024111100009 (¥199.00, success) is for order KS2411999999, "
        "still unseen 420 s later (grace 300 s)"
    )


@pytest.mark.parametrize("bad", [{"grace_s": -1}, {"grace_s": 7 * 86_400 + 1}, {"grace": 300}])
def test_out_of_range_parameters_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


# -- properties -------------------------------------------------------------------------------

waits = st.floats(-600, 7200, allow_nan=False)
graces = st.integers(0, 3600)


@given(st.booleans(), waits, graces, graces)
def test_raising_the_grace_period_never_adds_hits(
    known: bool, waited: float, low: int, high: int
) -> None:
    assume(low <= high)
    strict = unknown_order_payment(payment(), known, T + waited, Params(grace_s=low))
    lenient = unknown_order_payment(payment(), known, T + waited, Params(grace_s=high))
    assert not (lenient is not None and strict is None)


@given(st.booleans(), waits, graces)
def test_hits_are_consistent_with_their_thresholds(known: bool, waited: float, grace: int) -> None:
    hit = unknown_order_payment(payment(), known, T + waited, Params(grace_s=grace))

    if known:
        assert hit is None
    if hit is not None:
        assert hit.observed["waited_s"] >= hit.thresholds["grace_s"] == grace
