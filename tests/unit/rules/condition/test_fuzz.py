"""Fuzzing: any text is either a condition or a ConditionError; random well-typed trees
round-trip through their text and evaluate like a plain reference interpreter; no
values make evaluation raise."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.rules.condition import (
    MAX_DEPTH,
    Condition,
    ConditionError,
    Kind,
    compile_condition,
    parse,
    unparse,
)
from warroom.rules.condition.nodes import (
    Arith,
    Boolean,
    Call,
    Compare,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
    walk,
)

NUMBERS = ("spend_30m", "orders_30m", "target_cpa", "ctr_5m", "bid")
FLAGS = ("paused", "learning_phase")
KNOWN = dict.fromkeys(NUMBERS, Kind.NUMBER) | dict.fromkeys(FLAGS, Kind.BOOLEAN)
WORDS = ("and", "or", "not", "true", "false", "min", "max", "abs", "mean", "spend_3m")
SYMBOLS = ("(", ")", ",", "-", "+", "*", "/", "<", "<=", ">", ">=", "==", "!=", "=", "!", ".")
LITERALS = ("0", "1", "0.01", "1e3", "5_000", "1e999", "1e", "07", "2.", "(((", ")))")
TOKENS = NUMBERS + FLAGS + WORDS + SYMBOLS + LITERALS

ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
ORDER = ("<", "<=", ">", ">=", "==", "!=")
COMPARE: dict[str, Callable[[Any, Any], bool]] = dict(
    zip(
        ORDER,
        (operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne),
        strict=True,
    )
)


# ---- the reference interpreter: the documented semantics, written plainly ----

RANK = {False: 0, None: 1, True: 2}  # Kleene: and is the minimum, or the maximum


def finite(x: Any) -> Any:
    return x if isinstance(x, int) or math.isfinite(x) else None


def reference(node: Node, values: Mapping[str, Any]) -> Any:
    match node:
        case Number(value=v) | Boolean(value=v):
            return v
        case Name(id=name) if name in FLAGS:
            x = values.get(name)
            return x if isinstance(x, bool) else None
        case Name(id=name):
            x = values.get(name)
            return None if isinstance(x, bool) or not isinstance(x, int | float) else finite(x)
    args = [reference(child, values) for child in _children(node)]
    if None in args and not isinstance(node, Logic):
        return None
    match node:
        case Negate():
            return -args[0]
        case Not():
            return not args[0]
        case Arith(op=op):
            try:
                return finite(ARITH[op](*args))
            except (ZeroDivisionError, OverflowError):
                return None
        case Compare(op=op):
            return COMPARE[op](*args)
        case Logic(op=op):
            pick = min if op == "and" else max
            return pick(args, key=RANK.__getitem__)
        case Call(func=func):
            return {"abs": abs, "min": min, "max": max}[func](*args)
    raise AssertionError(node)


def _children(node: Node) -> tuple[Node, ...]:
    match node:
        case Negate(operand=o) | Not(operand=o):
            return (o,)
        case Arith(left=a, right=b) | Compare(left=a, right=b) | Logic(left=a, right=b):
            return (a, b)
        case Call(args=args):
            return args
    return ()


# ---- strategies ----

literal = st.one_of(
    st.integers(0, 10**12).map(Number),
    st.floats(0, allow_nan=False, allow_infinity=False).map(lambda f: Number(abs(f))),
)


def _numeric_parents(sub: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    pairs = st.tuples(sub, sub) | st.tuples(sub, sub, sub)
    return st.one_of(
        st.builds(Negate, sub),
        st.builds(Arith, st.sampled_from(tuple(ARITH)), sub, sub),
        st.builds(lambda x: Call("abs", (x,)), sub),
        st.builds(Call, st.sampled_from(("min", "max")), pairs),
    )


#: Well-typed number expressions.
numeric = st.recursive(literal | st.sampled_from(NUMBERS).map(Name), _numeric_parents, max_leaves=8)


def _truth_parents(sub: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Not, sub),
        st.builds(Logic, st.sampled_from(("and", "or")), sub, sub),
        st.builds(Compare, st.sampled_from(("==", "!=")), sub, sub),
    )


#: Well-typed true/false expressions: what a condition is.
truth = st.recursive(
    st.booleans().map(Boolean)
    | st.sampled_from(FLAGS).map(Name)
    | st.builds(Compare, st.sampled_from(ORDER), numeric, numeric),
    _truth_parents,
    max_leaves=8,
)


def _binary(op: str, left: Node, right: Node) -> Node:
    if op in ("and", "or"):
        return Logic(op, left, right)
    return Compare(op, left, right) if op in ORDER else Arith(op, left, right)


def _any_parents(sub: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    ops = st.sampled_from(("or", "and", *ORDER, *ARITH))
    return st.one_of(
        st.builds(Negate, sub),
        st.builds(Not, sub),
        st.builds(_binary, ops, sub, sub),
        st.builds(Call, st.sampled_from(("min", "abs", "f")), st.lists(sub, max_size=3).map(tuple)),
    )


_name = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in ("and", "or", "not", "true", "false")
)
#: Any tree the parser can produce, well-typed or not.
any_tree = st.recursive(
    literal | st.booleans().map(Boolean) | _name.map(Name), _any_parents, max_leaves=12
)


numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(),  # NaN, infinities, -0.0, subnormals, 1e308
    st.sampled_from((0, 0.0, 10**400, -(10**400), 1e308)),
)
#: Live values: mostly plausible, sometimes absent, None, NaN or of the wrong kind.
metric_values = st.fixed_dictionaries(
    {},
    optional={name: numbers | numbers | st.none() | st.booleans() for name in NUMBERS}
    | {name: st.booleans() | st.booleans() | st.none() | numbers for name in FLAGS},
)
odd_values = st.dictionaries(
    st.sampled_from(NUMBERS + FLAGS),
    st.none()
    | st.booleans()
    | numbers
    | st.integers()
    | st.decimals()
    | st.fractions()
    | st.text(max_size=3)
    | st.binary(max_size=3)
    | st.lists(st.integers(), max_size=2),
    max_size=7,
)


# ---- properties ----


def outcome(source: str) -> Condition | ConditionError:
    """The compiled condition, or the error; any other exception escapes."""
    try:
        return compile_condition(source, KNOWN)
    except ConditionError as err:
        return err


def accepts_or_explains(source: str) -> None:
    """Compiling any text gives a condition or a ConditionError pointing into it."""
    result = outcome(source)
    if isinstance(result, ConditionError):
        assert result.message
        assert 0 <= result.position <= len(source)
        assert result.end is None or result.position <= result.end <= len(source)
        _shown, marker = result.caret(source).splitlines()
        assert re.fullmatch(r" *\^~*", marker)
        return
    assert result({}) in (True, False)
    tree = parse(source)
    assert parse(unparse(tree)) == tree


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_any_text(source: str) -> None:
    accepts_or_explains(source)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from((" ", "", "\n ")))
def test_token_soup(tokens: list[str], gap: str) -> None:
    accepts_or_explains(gap.join(tokens))


@settings(max_examples=300)
@given(truth, st.lists(st.tuples(st.integers(0, 200), st.integers(0, 3), st.sampled_from(TOKENS))))
def test_mutated_conditions(tree: Node, edits: list[tuple[int, int, str]]) -> None:
    """Valid text with a few characters deleted or tokens inserted: near misses."""
    source = unparse(tree)
    for at, delete, token in edits:
        at %= len(source) + 1
        source = source[:at] + token + source[at + delete :]
    accepts_or_explains(source)


@given(
    st.integers(0, 700),
    st.sampled_from(("(", "not ", "-", "abs(", "min(1, ", "bid + ", "paused and ", "bid < ")),
)
def test_deep_or_long_text_is_never_a_recursion_error(n: int, opener: str) -> None:
    source = opener * n + "bid" + ")" * (n * opener.count("(")) + " > 1"
    result = outcome(source)
    if isinstance(result, ConditionError):
        assert any(s in result.message for s in ("too long", "nested too deeply", "chained"))


@given(truth, metric_values)
def test_compiled_closures_agree_with_the_reference(tree: Node, values: dict[str, Any]) -> None:
    source = unparse(tree)
    condition = compile_condition(source, KNOWN)

    assert parse(source) == tree
    assert condition.evaluate(values) is reference(tree, values)
    assert condition(values) is (reference(tree, values) is True)


@given(any_tree)
def test_any_tree_round_trips_through_its_text(tree: Node) -> None:
    assert parse(unparse(tree)) == tree


@given(truth, odd_values)
def test_evaluation_never_raises(tree: Node, values: dict[str, Any]) -> None:
    condition = compile_condition(unparse(tree), KNOWN)

    assert condition.evaluate(values) in (True, False, None)
    assert set(condition.explain(values)) == set(condition.names)


@given(truth | any_tree)
def test_generated_trees_stay_within_the_depth_limit(tree: Node) -> None:
    assert max(depth for _, depth in walk(tree)) <= MAX_DEPTH
