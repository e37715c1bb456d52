"""Valid conditions: what they evaluate to on a live plan, and their canonical text."""

from __future__ import annotations

import pytest

from warroom.rules.condition import Kind, compile_condition, parse, unparse

#: Plan 8812 at 21:30 on a Double 11 evening: burning money, no orders in 30 min.
PLAN = {
    "spend_30m": 620.0,
    "target_cpa": 300.0,
    "orders_30m": 0,
    "ctr_5m": 0.008,
    "impressions_5m": 6200,
    "roi_15m": 2.6,
    "target_roi": 2.0,
    "orders_15m": 7,
    "match_score": 81,
    "spend_today": 4800.0,
    "budget_cap": 5000.0,
    "learning_phase": False,
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # the playbook's rules
        ("spend_30m >= 2 * target_cpa and orders_30m == 0", True),
        ("ctr_5m < 0.01 and impressions_5m >= 5000", True),
        ("roi_15m >= 1.2 * target_roi and orders_15m >= 5", True),
        ("match_score >= 75", True),
        ("not (spend_today > budget_cap)", True),
        ("spend_30m >= 3 * target_cpa and orders_30m == 0", False),
        ("roi_15m < 1 and not (match_score >= 75)", False),
        # numbers
        ("1e3 > spend_30m", True),
        ("5_000 == 5000 and 1_000.5 == 1000.5", True),
        ("0.5 + 0.25 == 0.75", True),
        ("orders_15m == 7.0", True),
        ("1.5e-3 * 1000 == 1.5", True),
        # precedence and associativity
        ("2 + 3 * 4 == 14", True),
        ("(2 + 3) * 4 == 20", True),
        ("-2 * 3 == -6", True),
        ("10 - 4 - 3 == 3", True),
        ("64 / 4 / 2 == 8", True),
        ("- -3 == 3", True),
        ("-(2 - 5) == 3", True),
        ("true or true and false", True),
        ("(true or true) and false", False),
        ("not true or true", True),
        ("not 1 > 2", True),
        ("not not true", True),
        # functions
        ("abs(-3) == 3", True),
        ("min(4, 2, 9) == 2", True),
        ("max(spend_30m, 1000) == 1000", True),
        ("min(1, 2.5) < max(0, 0.5)", False),
        ("max(abs(-1), min(2, 3)) == 2", True),
        # true/false values and equality between them
        ("learning_phase == false", True),
        ("not learning_phase and match_score >= 75", True),
        ("(spend_30m > 1) == (orders_30m > 1)", False),
        ("(spend_30m > 1) != (orders_30m > 1)", True),
        ("orders_30m != 0", False),
        # layout
        ("spend_30m >= 600\n  and orders_30m == 0", True),
        ("\tspend_30m>=600 and orders_30m==0 ", True),
        ("spend_30m\u3000>= 600", True),  # an ideographic space from a Chinese IME is a space
    ],
)
def test_valid_condition_on_a_live_plan(
    source: str, expected: bool, known: dict[str, Kind]
) -> None:
    known = known | {"spend_today": Kind.NUMBER}
    assert compile_condition(source, known)(PLAN) is expected


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("spend_30m>=2*target_cpa", "spend_30m >= 2 * target_cpa"),
        ("((a))", "a"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b * c)"),
        ("(a + b) * c", "(a + b) * c"),
        ("not(x)", "not x"),
        ("not (a and b)", "not (a and b)"),
        ("(not x) == y", "(not x) == y"),
        ("-(-x)", "--x"),
        ("-(x * y)", "-(x * y)"),
        ("(-x) * y", "-x * y"),
        ("(a and b) or c", "a and b or c"),
        ("a and (b or c)", "a and (b or c)"),
        ("(a < b) == (c < d)", "(a < b) == (c < d)"),
        ("5_000", "5000"),
        ("1e3", "1000.0"),
        ("0.00001", "1e-05"),
        ("min( a ,b )", "min(a, b)"),
        ("abs ( - x )", "abs(-x)"),
    ],
)
def test_canonical_text(source: str, canonical: str) -> None:
    assert unparse(parse(source)) == canonical
    assert parse(canonical) == parse(source)


def test_names_are_listed_once_in_order_of_appearance(known: dict[str, Kind]) -> None:
    condition = compile_condition("spend_30m >= 2 * target_cpa and spend_30m > bid", known)

    assert condition.names == ("spend_30m", "target_cpa", "bid")


def test_explain_reports_the_values_read_as_given(known: dict[str, Kind]) -> None:
    condition = compile_condition("spend_30m >= 2 * target_cpa and orders_30m == 0", known)

    assert condition.explain(PLAN) == {"spend_30m": 620.0, "target_cpa": 300.0, "orders_30m": 0}
    assert condition.explain({"spend_30m": 1.0}) == {
        "spend_30m": 1.0,
        "target_cpa": None,
        "orders_30m": None,
    }


def test_a_plain_collection_of_names_holds_numbers() -> None:
    condition = compile_condition("bid * 2 > 1", ["bid"])

    assert condition({"bid": 1}) is True
    assert condition.canonical == "bid * 2 > 1"


def test_kinds_may_be_given_by_value() -> None:
    condition = compile_condition("not paused", {"paused": "true/false"})

    assert condition({"paused": False}) is True
