"""Refund spike: refunds / paid orders above 3× the baseline rate, with minimum volumes."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.refund_spike import RULE_ID, Params, RefundCounts, refund_spike


def shop(paid: int, refunds: int, baseline: float | None) -> RefundCounts:
    return RefundCounts(
        "shop", "ks_shop_77", paid_orders=paid, refunds=refunds, baseline_rate=baseline
    )


@pytest.mark.parametrize(
    ("case", "counts", "params", "fires"),
    [
        ("13 of 40 against a usual 10%", shop(40, 13, 0.1), {}, True),
        ("12 of 40: 30%, exactly 3× the usual 10%", shop(40, 12, 0.1), {}, False),
        ("exactly 4× an exact baseline", shop(20, 10, 0.125), {"factor": 4}, False),
        ("just above 4× an exact baseline", shop(20, 11, 0.125), {"factor": 4}, True),
        ("19 paid orders, 20 needed", shop(19, 19, 0.01), {}, False),
        ("exactly 20 paid orders", shop(20, 19, 0.01), {}, True),
        ("4 refunds, 5 needed", shop(20, 4, 0.01), {}, False),
        ("exactly 5 refunds", shop(20, 5, 0.01), {}, True),
        ("no baseline yet", shop(100, 90, None), {}, False),
        ("a NaN baseline", shop(100, 90, float("nan")), {}, False),
        ("a negative baseline", shop(100, 90, -0.1), {}, False),
        ("no refunds usually, now five", shop(20, 5, 0.0), {}, True),
        ("a normal day", shop(1000, 95, 0.1), {}, False),
        ("no paid orders at all", shop(0, 7, 0.1), {}, False),
    ],
)
def test_default_rule_on_a_table_of_windows(
    case: str, counts: RefundCounts, params: dict[str, float], fires: bool
) -> None:
    assert (refund_spike(counts, Params(**params)) is not None) == fires, case


def test_hit_explains_rate_baseline_and_thresholds() -> None:
    counts = RefundCounts("sku", "SKU-air-fryer", paid_orders=50, refunds=20, baseline_rate=0.05)

    hit = refund_spike(counts, Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.refund_spike"
    assert hit.entity == "sku:SKU-air-fryer"
    assert hit.score == 30
    assert hit.observed == {
        "paid_orders": 50,
        "refunds": 20,
        "rate": 0.4,
        "baseline_rate": 0.05,
        "ratio": 8.0,
    }
    assert hit.thresholds == {
        "factor": 3.0,
        "limit_rate": pytest.approx(0.15),
        "min_orders": 20,
        "min_refunds": 5,
        "window_s": 86_400,
    }
    assert hit.explanation == (
        "20 refunds on 50 paid orders of sku SKU-air-fryer in 86400 s: 40.0%, "
        "8.0× the usual 5.0% (more than 3× fires)"
    )


def test_a_zero_baseline_hit_reports_no_ratio() -> None:
    hit = refund_spike(shop(20, 5, 0.0), Params())
    assert hit is not None
    assert hit.observed["ratio"] is None


@pytest.mark.parametrize(
    "bad",
    [
        {"factor": 0.9},
        {"min_orders": 0},
        {"min_refunds": 0},
        {"window_s": 59},
        {"window_s": 30 * 86_400 + 1},
        {"score": -5},
        {"baseline_rate": 0.1},
    ],
)
def test_out_of_range_parameters_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


# -- properties -------------------------------------------------------------------------------


@st.composite
def windows(draw: st.DrawFn) -> RefundCounts:
    paid = draw(st.integers(0, 500))
    refunds = draw(st.integers(0, max(paid, 1)))
    baseline = draw(st.one_of(st.none(), st.floats(0, 0.5)))
    return RefundCounts(draw(st.sampled_from(["shop", "sku"])), "k", paid, refunds, baseline)


@given(windows(), st.floats(1, 20), st.floats(1, 20))
def test_raising_the_factor_never_adds_hits(c: RefundCounts, low: float, high: float) -> None:
    assume(low <= high)
    strict = refund_spike(c, Params(factor=low))
    lenient = refund_spike(c, Params(factor=high))
    assert not (lenient is not None and strict is None)


@given(windows(), st.integers(1, 200), st.integers(1, 200))
def test_raising_min_orders_never_adds_hits(c: RefundCounts, low: int, high: int) -> None:
    assume(low <= high)
    strict = refund_spike(c, Params(min_orders=low))
    lenient = refund_spike(c, Params(min_orders=high))
    assert not (lenient is not None and strict is None)


@given(windows(), st.integers(1, 100), st.integers(1, 100))
def test_raising_min_refunds_never_adds_hits(c: RefundCounts, low: int, high: int) -> None:
    assume(low <= high)
    strict = refund_spike(c, Params(min_refunds=low))
    lenient = refund_spike(c, Params(min_refunds=high))
    assert not (lenient is not None and strict is None)


@given(windows(), st.floats(1, 20), st.integers(1, 100), st.integers(1, 50))
def test_hits_are_consistent_with_their_thresholds(
    c: RefundCounts, factor: float, min_orders: int, min_refunds: int
) -> None:
    hit = refund_spike(c, Params(factor=factor, min_orders=min_orders, min_refunds=min_refunds))

    if hit is not None:
        observed, thresholds = hit.observed, hit.thresholds
        assert observed["rate"] == observed["refunds"] / observed["paid_orders"]
        assert observed["rate"] > thresholds["limit_rate"]
        assert thresholds["limit_rate"] == thresholds["factor"] * observed["baseline_rate"]
        assert observed["paid_orders"] >= thresholds["min_orders"]
        assert observed["refunds"] >= thresholds["min_refunds"]
