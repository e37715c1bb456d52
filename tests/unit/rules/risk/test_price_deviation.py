"""Price deviation: a unit price more than 30% below the SKU's average, or above 5× it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.price_deviation import RULE_ID, Params, price_deviation
from warroom.rules.risk.price_stats import RunningMean

SKU = "SKU-face-cream-50ml"
#: 50 historical orders averaging ¥100.
USUAL = RunningMean.seeded(100.0, 50)


@pytest.mark.parametrize(
    ("case", "price", "history", "params", "direction"),
    [
        ("the usual price", "100.00", USUAL, {}, None),
        ("exactly 30% below", "70.00", USUAL, {}, None),
        ("a hair more than 30% below", "69.9999", USUAL, {}, "below"),
        ("a free item", "0", USUAL, {}, "below"),
        ("exactly 5× the average", "500.00", USUAL, {}, None),
        ("a hair above 5×", "500.0001", USUAL, {}, "above"),
        ("no ceiling configured", "100000", USUAL, {"max_ratio": None}, None),
        ("a looser floor: 50% below allowed", "50.00", USUAL, {"max_below_pct": 50}, None),
        ("below the looser floor", "49.99", USUAL, {"max_below_pct": 50}, "below"),
        ("a tighter ceiling", "200.01", USUAL, {"max_ratio": 2}, "above"),
        ("no history for the SKU", "1.00", None, {}, None),
        ("19 samples, 20 needed", "1.00", RunningMean.seeded(100.0, 19), {}, None),
        ("exactly 20 samples", "1.00", RunningMean.seeded(100.0, 20), {}, "below"),
        ("an average of zero", "1.00", RunningMean.seeded(0.0, 50), {}, None),
        ("a negative average", "1.00", RunningMean.seeded(-5.0, 50), {}, None),
        ("an absurd average", "1.00", RunningMean.seeded(1e15, 50), {}, None),
    ],
)
def test_default_rule_on_a_table_of_prices(
    case: str,
    price: str,
    history: RunningMean | None,
    params: dict[str, float | None],
    direction: str | None,
) -> None:
    hit = price_deviation(SKU, Decimal(price), history, Params(**params))

    if direction is None:
        assert hit is None, case
    else:
        assert hit is not None, case
        assert hit.observed["direction"] == direction, case


def test_a_hit_below_explains_price_average_and_floor() -> None:
    hit = price_deviation(SKU, Decimal("49.00"), USUAL, Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.price_deviation"
    assert hit.entity == f"sku:{SKU}"
    assert hit.score == 40
    assert hit.observed == {
        "unit_price": Decimal("49.00"),
        "average": 100.0,
        "samples": 50,
        "ratio": 0.49,
        "direction": "below",
    }
    assert hit.thresholds == {
        "max_below_pct": 30,
        "floor": Decimal("70"),
        "max_ratio": 5,
        "ceiling": Decimal("500"),
        "min_samples": 20,
    }
    assert hit.explanation == (
        f"unit price ¥49.00 is 51.0% below SKU {SKU}'s average ¥100.00 over 50 orders "
        "(more than 30% below fires)"
    )


def test_a_hit_above_names_the_ceiling() -> None:
    hit = price_deviation(SKU, Decimal("888.00"), USUAL, Params())

    assert hit is not None
    assert hit.observed["direction"] == "above"
    assert "8.88× above" in hit.explanation
    assert "(more than 5× fires)" in hit.explanation


def test_shown_floor_is_rounded_outward_so_it_stays_crossed() -> None:
    history = RunningMean.seeded(33.33335, 50)  # floor 23.333345: shown as 23.3334

    hit = price_deviation(SKU, Decimal("23.3333"), history, Params())

    assert hit is not None
    assert hit.observed["unit_price"] < hit.thresholds["floor"] == Decimal("23.3334")


@pytest.mark.parametrize(
    "bad",
    [
        {"max_below_pct": 0},
        {"max_below_pct": 101},
        {"max_ratio": 1},
        {"max_ratio": 1001},
        {"min_samples": 0},
        {"score": -1},
        {"ceiling": 5},
    ],
)
def test_out_of_range_parameters_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


# -- properties -------------------------------------------------------------------------------

prices = st.decimals(0, 2_000, places=4, allow_nan=False, allow_infinity=False)
histories = st.one_of(
    st.none(),
    st.builds(RunningMean.seeded, st.floats(0.01, 1_000), st.integers(0, 60)),
)
pcts = st.floats(0.01, 100)
ratios = st.one_of(st.none(), st.floats(1.01, 50))


def _ceiling(ratio: float | None) -> float:
    return float("inf") if ratio is None else ratio


@given(prices, histories, pcts, pcts)
def test_raising_the_allowed_discount_never_adds_hits(
    price: Decimal, history: RunningMean | None, low: float, high: float
) -> None:
    assume(low <= high)
    strict = price_deviation(SKU, price, history, Params(max_below_pct=low))
    lenient = price_deviation(SKU, price, history, Params(max_below_pct=high))
    assert not (lenient is not None and strict is None)


@given(prices, histories, ratios, ratios)
def test_raising_the_ceiling_never_adds_hits(
    price: Decimal, history: RunningMean | None, low: float | None, high: float | None
) -> None:
    assume(_ceiling(low) <= _ceiling(high))
    strict = price_deviation(SKU, price, history, Params(max_ratio=low))
    lenient = price_deviation(SKU, price, history, Params(max_ratio=high))
    assert not (lenient is not None and strict is None)


@given(prices, histories, st.integers(1, 80), st.integers(1, 80))
def test_raising_min_samples_never_adds_hits(
    price: Decimal, history: RunningMean | None, low: int, high: int
) -> None:
    assume(low <= high)
    strict = price_deviation(SKU, price, history, Params(min_samples=low))
    lenient = price_deviation(SKU, price, history, Params(min_samples=high))
    assert not (lenient is not None and strict is None)


@given(prices, histories, pcts, ratios, st.integers(1, 60))
def test_hits_are_consistent_with_their_thresholds(
    price: Decimal,
    history: RunningMean | None,
    pct: float,
    ratio: float | None,
    min_samples: int,
) -> None:
    params = Params(max_below_pct=pct, max_ratio=ratio, min_samples=min_samples)

    hit = price_deviation(SKU, price, history, params)

    if hit is not None:
        observed, thresholds = hit.observed, hit.thresholds
        assert observed["samples"] >= thresholds["min_samples"]
        if observed["direction"] == "below":
            assert observed["unit_price"] < thresholds["floor"]
            assert observed["ratio"] <= 1 - pct / 100 + 1e-9
        else:
            assert observed["unit_price"] > thresholds["ceiling"]
            assert observed["ratio"] >= _ceiling(ratio) - 1e-9
