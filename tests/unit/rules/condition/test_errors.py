"""Invalid conditions are refused when saved, with a message and the exact position."""

from __future__ import annotations

import pytest

from warroom.errors import WarroomError
from warroom.rules.condition import ConditionError, Kind, compile_condition

NESTED = "condition is nested too deeply: more than 50 levels of operators, calls or parentheses"
EXPECTED_OPERAND = "expected a number, a name or '(' but found"


@pytest.mark.parametrize(
    ("source", "message", "position", "end"),
    [
        # names
        ("spend_3m > 100", "unknown metric 'spend_3m'; did you mean 'spend_30m'?", 0, 8),
        (
            "ctr_5m < 0.01 and impresions_5m >= 5000",
            "unknown metric 'impresions_5m'; did you mean 'impressions_5m'?",
            18,
            31,
        ),
        ("xyzzy > 1", "unknown metric 'xyzzy'", 0, 5),
        ("Spend_30m > 1", "names and keywords are lower case: write 'spend_30m'", 0, 9),
        ("spend_30m > 1 AND bid > 2", "names and keywords are lower case: write 'and'", 14, 17),
        # characters and numbers
        ("spend_30m = 1", "unexpected character '=': use '==' to compare", 10, 11),
        ("spend_30m > 1 && bid > 2", "unexpected character '&': use 'and'", 14, 15),
        ("spend_30m > 1 || bid > 2", "unexpected character '|': use 'or'", 14, 15),
        ("!(bid > 1)", "unexpected character '!': use 'not', or '!=' to compare", 0, 1),
        ("spend_30m ＞ 1", "unexpected character '＞': use the ASCII '>'", 10, 11),
        ("spend_30m ≥ 1", "unexpected character '≥': use the ASCII '>='", 10, 11),
        ("花费 > 1", "unexpected character '花'", 0, 1),
        ("bid > 'x'", 'unexpected character "\'"', 6, 7),
        ("bid ** 2 > 1", f"{EXPECTED_OPERAND} '*'", 5, 6),
        (
            "spend_30m > .5",
            "unexpected character '.': write numbers with a leading digit, e.g. 0.5",
            12,
            13,
        ),
        ("spend_30m > 1e", "malformed number '1e'", 12, 14),
        ("spend_30m > 5k", "malformed number '5k'", 12, 14),
        ("spend_30m > 1.2.3", "malformed number '1.2.3'", 12, 17),
        ("spend_30m > 5__000", "malformed number '5__000'", 12, 18),
        ("spend_30m>=600and orders_30m==0", "malformed number '600and'", 11, 17),
        ("spend_30m > 1e999", "number 1e999 is too large", 12, 17),
        # structure
        ("", "empty condition", 0, None),
        ("  \n ", "empty condition", 0, None),
        ("spend_30m >= ", f"{EXPECTED_OPERAND} the end of the condition", 12, 12),
        ("bid > -", f"{EXPECTED_OPERAND} the end of the condition", 7, 7),
        ("()", f"{EXPECTED_OPERAND} ')'", 1, 2),
        ("bid > 1 and", f"{EXPECTED_OPERAND} the end of the condition", 11, 11),
        ("(spend_30m > 1", "'(' is never closed", 0, 1),
        ("((spend_30m > 1) and bid > 2", "'(' is never closed", 0, 1),
        ("spend_30m > 1)", "unmatched ')'", 13, 14),
        ("(bid > 1 bid)", "expected ')' or an operator but found name 'bid'", 9, 12),
        ("bid > 1 2", "expected an operator but found number 2", 8, 9),
        ("bid > 1 , 2", "expected an operator but found ','", 8, 9),
        (
            "spend_30m > 1 adn bid > 2",
            "expected an operator but found name 'adn'; did you mean 'and'?",
            14,
            17,
        ),
        ("bid > 1 (bid)", "expected an operator but found '('", 8, 9),
        ("true(1)", "expected an operator but found '('", 4, 5),
        ("bid == not paused", "'not' needs parentheses here: write '(not ...)'", 7, 10),
        ("1 + not paused", "'not' needs parentheses here: write '(not ...)'", 4, 7),
        # comparisons do not chain
        (
            "spend_30m < bid < 5",
            "comparisons cannot be chained: write 'spend_30m < bid and bid < 5'",
            16,
            17,
        ),
        (
            "0 <= ctr_5m <= 0.01 * 2",
            "comparisons cannot be chained: write '0 <= ctr_5m and ctr_5m <= 0.01 * 2'",
            12,
            14,
        ),
        (
            "bid == 1 == true",
            "comparisons cannot be chained: write 'bid == 1 and 1 == true'",
            9,
            11,
        ),
        # functions
        ("mean(bid, 1) > 1", "unknown function 'mean' (functions: abs, max, min)", 0, 4),
        ("mins(bid, 1) > 1", "unknown function 'mins'; did you mean 'min'?", 0, 4),
        ("abs(bid, 1) > 1", "abs() takes 1 argument, not 2", 0, 11),
        ("abs() > 1", "abs() takes 1 argument, not 0", 0, 5),
        ("min(bid) > 1", "min() takes at least 2 arguments, not 1", 0, 8),
        ("min(bid, paused) > 1", "min() needs numbers, but argument 2 is true/false", 9, 15),
        ("min(bid,) > 1", f"{EXPECTED_OPERAND} ')'", 8, 9),
        ("min(bid bid) > 1", "expected ',', ')' or an operator but found name 'bid'", 8, 11),
        ("max(bid, 1 > 0", "'(' is never closed", 3, 4),
        # kinds
        ("spend_30m", "a condition must be true/false, but this is a number", 0, 9),
        ("(spend_30m + 1)", "a condition must be true/false, but this is a number", 1, 14),
        (
            "spend_30m + (bid > 1) > 2",
            "'+' needs numbers, but its right side is true/false",
            13,
            20,
        ),
        ("true * 2 > 1", "'*' needs numbers, but its left side is true/false", 0, 4),
        ("-(bid > 1) > 2", "'-' needs a number, but its operand is true/false", 2, 9),
        ("not bid", "'not' needs true/false, but its operand is a number", 4, 7),
        (
            "bid and paused",
            "'and' needs true/false on both sides, but its left side is a number",
            0,
            3,
        ),
        (
            "paused or 1",
            "'or' needs true/false on both sides, but its right side is a number",
            10,
            11,
        ),
        ("paused == 1", "'==' cannot compare true/false with a number", 7, 9),
        ("bid != (bid > 1)", "'!=' cannot compare true/false with a number", 4, 6),
        ("paused < true", "'<' needs numbers, but its left side is true/false", 0, 6),
        ("(bid > 1) >= 2", "'>=' needs numbers, but its left side is true/false", 1, 8),
        # Python is not evaluated
        ("__import__('os').system('true')", 'unexpected character "\'"', 11, 12),
    ],
)
def test_invalid_condition(
    source: str, message: str, position: int, end: int | None, known: dict[str, Kind]
) -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition(source, known)

    assert (caught.value.message, caught.value.position, caught.value.end) == (
        message,
        position,
        end,
    )
    assert caught.value.field == "condition"


def test_attribute_access_is_not_python(known: dict[str, Kind]) -> None:
    with pytest.raises(ConditionError, match=r"unexpected character '\.'"):
        compile_condition("spend_30m.real > 1", known)


def test_too_long(known: dict[str, Kind]) -> None:
    source = "bid > 1 or " * 182 + "bid > 1"  # 2,009 characters

    with pytest.raises(ConditionError) as caught:
        compile_condition(source, known)

    assert caught.value.message == "condition is too long: 2009 characters (at most 2000)"
    assert (caught.value.position, caught.value.end) == (2000, 2009)


def test_the_longest_condition_is_accepted(known: dict[str, Kind]) -> None:
    source = "bid > 1 or paused or learning_phase".ljust(2000)

    assert len(source) == 2000
    assert compile_condition(source, known)({"bid": 2})


@pytest.mark.parametrize(
    ("levels", "build", "position"),
    [
        (49, lambda n: "(" * n + "paused" + ")" * n, None),
        (50, lambda n: "(" * n + "paused" + ")" * n, 49),  # at the 50th '('
        (49, lambda n: "not " * n + "paused", None),
        (50, lambda n: "not " * n + "paused", 196),  # at the 50th 'not'
        (49, lambda n: "(" * n + "bid > 1" + ")" * n, 53),  # 1 is the 51st level: at '>'
        (48, lambda n: "-" * n + "bid > 1", None),  # '>', 48 '-' and bid: a tree 50 high
        (49, lambda n: "-" * n + "bid > 1", 49),  # bid is the 51st level
        (48, lambda n: "abs(" * n + "bid" + ")" * n + " > 1", None),
        (50, lambda n: "abs(" * n + "bid" + ")" * n + " > 1", 199),  # at the 50th 'abs('
        (48, lambda n: "bid" + " + bid" * n + " > 1", None),
        (59, lambda n: "bid" + " + bid" * n + " > 1", 58),  # a chain is a tree: at the 10th '+'
    ],
)
def test_nesting_is_bounded(
    levels: int, build: object, position: int | None, known: dict[str, Kind]
) -> None:
    source = build(levels)  # type: ignore[operator]
    if position is None:
        compile_condition(source, known)
        return
    with pytest.raises(ConditionError) as caught:
        compile_condition(source, known)
    assert (caught.value.message, caught.value.position) == (NESTED, position)


@pytest.mark.parametrize(
    "source",
    ["(" * 1999, "-" * 1999 + "1", "not " * 499, "abs(" * 499, "1" + " + 1" * 300 + " > 1"],
)
def test_deep_input_is_an_error_not_a_recursion_error(source: str, known: dict[str, Kind]) -> None:
    with pytest.raises(ConditionError, match="nested too deeply"):
        compile_condition(source, known)


def test_condition_error_is_a_warroom_error() -> None:
    assert issubclass(ConditionError, WarroomError)
    assert str(ConditionError("unknown metric 'x'", 0, 1)) == "unknown metric 'x'"


@pytest.mark.parametrize(
    ("source", "position", "end", "caret"),
    [
        ("spend_3m > 100", 0, 8, "spend_3m > 100\n^~~~~~~~"),
        ("bid >", 5, 5, "bid >\n     ^"),  # the end of the condition
        ("bid > 1)", 7, 8, "bid > 1)\n       ^"),
        ("bid > 1 and\n  spend_3m > 2", 14, 22, "  spend_3m > 2\n  ^~~~~~~~"),
        ("bid > 1 and\n\tspend_3m > 2", 13, 21, " spend_3m > 2\n ^~~~~~~~"),
        ("花费 > 1", 0, 1, "花费 > 1\n^~"),  # a wide character takes two columns
        ("“花费” > 1", 1, 2, "“花费” > 1\n ^~"),
        ("bid ＞ 1", 4, 5, "bid ＞ 1\n    ^~"),
        ("bid > 1 and x", 12, None, "bid > 1 and x\n            ^"),
        ("bid > 1 and\nx", 4, 99, "bid > 1 and\n    ^~~~~~~"),  # the marker stops at the line end
    ],
)
def test_caret_points_at_the_error(source: str, position: int, end: int | None, caret: str) -> None:
    assert ConditionError("m", position, end).caret(source) == caret


def test_caret_of_a_real_error(known: dict[str, Kind]) -> None:
    source = "roi_15m >= 1.2 * target_roi and orders_15m >= 5 and paused + 1 > 0"

    with pytest.raises(ConditionError) as caught:
        compile_condition(source, known)

    assert caught.value.caret(source).splitlines()[1] == " " * 52 + "^~~~~~"
