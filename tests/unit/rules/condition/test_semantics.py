"""Evaluation: missing data is "no hit", x / 0 is unknown, Kleene logic, never an exception."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

import pytest

from warroom.rules.condition import Condition, Kind, compile_condition

FAST_STOP = "spend_30m >= 2 * target_cpa and orders_30m == 0"
BURNING = {"spend_30m": 620.0, "target_cpa": 300.0, "orders_30m": 0}


@pytest.mark.parametrize(
    "values",
    [
        {"spend_30m": 620.0, "orders_30m": 0},  # target CPA absent
        {**BURNING, "target_cpa": None},
        {**BURNING, "target_cpa": float("nan")},
        {**BURNING, "spend_30m": float("inf")},
        {**BURNING, "orders_30m": True},  # a flag where a number belongs
        {**BURNING, "orders_30m": "0"},  # not a number at all
        {},
    ],
)
def test_missing_data_is_no_hit(values: dict[str, object], known: dict[str, Kind]) -> None:
    condition = compile_condition(FAST_STOP, known)

    assert condition(values) is False  # type: ignore[arg-type]
    assert condition.evaluate(values) is None  # type: ignore[arg-type]


def test_missing_data_does_not_flip_under_not(known: dict[str, Kind]) -> None:
    """``not`` of unknown stays unknown: a missing metric never makes a rule fire."""
    condition = compile_condition(
        "not (spend_today > budget_cap)", known | {"spend_today": "number"}
    )

    assert condition({"spend_today": 100.0}) is False
    assert condition({"spend_today": 100.0, "budget_cap": 5000.0}) is True


def test_known_facts_decide_despite_missing_ones(known: dict[str, Kind]) -> None:
    """Kleene logic: ``false and unknown`` is false, ``true or unknown`` is true."""
    stop = compile_condition("orders_30m == 0 and spend_30m > 500", known)
    guard = compile_condition("match_score >= 75 or roi_15m >= 1", known)

    assert stop.evaluate({"orders_30m": 3}) is False
    assert guard.evaluate({"match_score": 81}) is True


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("spend_30m / orders_30m > 100", {"spend_30m": 620.0, "orders_30m": 0}, None),
        ("not (spend_30m / orders_30m > 100)", {"spend_30m": 620.0, "orders_30m": 0}, None),
        ("spend_30m / orders_30m > 100", {"spend_30m": 620.0, "orders_30m": 2}, True),
        (
            "spend_30m / orders_30m > 100 or match_score >= 75",
            {"spend_30m": 1.0, "orders_30m": 0, "match_score": 80},
            True,
        ),
        ("bid / 0.0 == bid / 0.0", {"bid": 1.0}, None),
        ("0 / bid == 0", {"bid": 0}, None),
        ("abs(1 / (bid - bid)) > 0", {"bid": 3}, None),
        ("min(1 / bid, 2) < 3", {"bid": 0}, None),
    ],
)
def test_division_by_zero_is_unknown(
    source: str, values: dict[str, float], expected: bool | None, known: dict[str, Kind]
) -> None:
    assert compile_condition(source, known).evaluate(values) is expected


@pytest.mark.parametrize(
    ("source", "bid", "expected"),
    [
        ("bid * 1e308 > 1", 10.0, None),  # overflows to infinity
        ("bid * bid - bid * bid == 0", 1e200, None),  # inf - inf
        ("bid > 1", 10**400, True),  # huge ints compare exactly
        ("bid + 1 > bid", 10**400, True),
        ("bid / 3 > 1", 10**400, None),  # too large for a float
        ("bid * 0.5 > 1", 10**400, None),
        ("bid / 10 > 0", 5e-324, False),  # underflow to 0.0 is a fine number
    ],
)
def test_overflow_is_unknown(
    source: str, bid: float, expected: bool | None, known: dict[str, Kind]
) -> None:
    assert compile_condition(source, known).evaluate({"bid": bid}) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2.5"), True),
        (Fraction(5, 2), True),
        (Decimal("NaN"), None),
        (Decimal("sNaN"), None),
        (Decimal("Infinity"), None),
        (Fraction(10**400, 3), None),
        (b"3", None),
        ([3], None),
        (object(), None),
    ],
)
def test_other_value_types(value: object, expected: bool | None, known: dict[str, Kind]) -> None:
    condition = compile_condition("bid > 2", known)

    assert condition.evaluate({"bid": value}) is expected  # type: ignore[dict-item]


def test_subclasses_of_int_and_float_are_numbers(known: dict[str, Kind]) -> None:
    class Yuan(float):
        pass

    class Count(int):
        pass

    condition = compile_condition("bid > 2 and orders_30m == 3", known)

    assert condition({"bid": Yuan(2.5), "orders_30m": Count(3)}) is True


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), (False, False), (1, None), (None, None)]
)
def test_flags_take_true_or_false_only(
    value: object, expected: bool | None, known: dict[str, Kind]
) -> None:
    condition = compile_condition("paused", known)

    assert condition.evaluate({"paused": value}) is expected  # type: ignore[dict-item]


T, F, U = True, False, None


@pytest.mark.parametrize(
    ("p", "q", "p_and_q", "p_or_q"),
    [
        (T, T, T, T),
        (T, F, F, T),
        (T, U, U, T),
        (F, T, F, T),
        (F, F, F, F),
        (F, U, F, U),
        (U, T, U, T),
        (U, F, F, U),
        (U, U, U, U),
    ],
)
def test_kleene_truth_tables(
    p: bool | None, q: bool | None, p_and_q: bool | None, p_or_q: bool | None
) -> None:
    known = {"p": Kind.BOOLEAN, "q": Kind.BOOLEAN}
    values = {"p": p, "q": q}

    assert compile_condition("p and q", known).evaluate(values) is p_and_q
    assert compile_condition("p or q", known).evaluate(values) is p_or_q
    assert compile_condition("not p", known).evaluate(values) is (None if p is None else not p)
    assert compile_condition("p == q", known).evaluate(values) is (None if U in (p, q) else p == q)


def test_any_mapping_holds_the_values(known: dict[str, Kind]) -> None:
    assert compile_condition(FAST_STOP, known)(MappingProxyType(BURNING)) is True


def test_a_condition_is_frozen_and_compares_by_source(known: dict[str, Kind]) -> None:
    condition = compile_condition(FAST_STOP, known)

    with pytest.raises(dataclasses.FrozenInstanceError):
        condition.source = "true"  # type: ignore[misc]
    assert condition == compile_condition(FAST_STOP, known)
    assert hash(condition) == hash(compile_condition(FAST_STOP, known))
    assert condition != compile_condition(FAST_STOP.replace("2", "3"), known)


def test_pickle_and_copy_recompile_the_condition(known: dict[str, Kind]) -> None:
    condition = compile_condition("not paused and spend_30m > 2 * target_cpa", known)

    for clone in (pickle.loads(pickle.dumps(condition)), copy.deepcopy(condition)):
        assert isinstance(clone, Condition)
        assert clone == condition
        assert clone({"paused": False, "spend_30m": 700, "target_cpa": 300}) is True
