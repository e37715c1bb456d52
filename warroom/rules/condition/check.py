"""Validate a syntax tree against the known names: every name exists, every operator
gets operands of the right kind (number or true/false), functions get the right
arguments, and the whole condition is true/false."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum

from warroom.rules.condition.errors import ConditionError
from warroom.rules.condition.lexer import suggest
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
    extent,
)


class Kind(StrEnum):
    """What a name or an expression holds."""

    NUMBER = "number"
    BOOLEAN = "true/false"


#: Whitelisted functions: name -> (fewest, most) arguments; all take and give numbers.
FUNCTIONS: dict[str, tuple[int, int | None]] = {"abs": (1, 1), "min": (2, None), "max": (2, None)}


def vocabulary(metrics: Collection[str] | Mapping[str, Kind | str]) -> dict[str, Kind]:
    """Known names and their kinds; a plain collection of names holds numbers only.

    >>> vocabulary(["bid"]), vocabulary({"paused": Kind.BOOLEAN})
    ({'bid': <Kind.NUMBER: 'number'>}, {'paused': <Kind.BOOLEAN: 'true/false'>})
    """
    if isinstance(metrics, Mapping):
        return {name: Kind(kind) for name, kind in metrics.items()}
    return dict.fromkeys(metrics, Kind.NUMBER)


def check(node: Node, known: Mapping[str, Kind]) -> None:
    """Raise ConditionError at the first problem, or return when ``node`` is a valid
    condition over the names in ``known``.

    >>> from warroom.rules.condition.parser import parse
    >>> check(parse("bid > 1"), {"bid": Kind.NUMBER})
    >>> check(parse("bd > 1"), {"bid": Kind.NUMBER})
    Traceback (most recent call last):
    ...
    warroom.rules.condition.errors.ConditionError: unknown metric 'bd'; did you mean 'bid'?
    """
    if kind_of(node, known) is not Kind.BOOLEAN:
        raise _error(node, "a condition must be true/false, but this is a number")


def kind_of(node: Node, known: Mapping[str, Kind]) -> Kind:
    """The kind of ``node``'s value, once its sub-expressions are checked."""
    match node:
        case Number():
            return Kind.NUMBER
        case Boolean():
            return Kind.BOOLEAN
        case Name(id=name):
            if name not in known:
                message = f"unknown metric {name!r}{suggest(name, known)}"
                raise ConditionError(message, *node.at)
            return known[name]
        case Call():
            return _call(node, known)
        case Negate(operand=operand):
            _expect(operand, Kind.NUMBER, known, "'-' needs a number, but its operand is")
            return Kind.NUMBER
        case Not(operand=operand):
            _expect(operand, Kind.BOOLEAN, known, "'not' needs true/false, but its operand is")
            return Kind.BOOLEAN
        case Arith(op=op) | Logic(op=op):
            want = Kind.BOOLEAN if isinstance(node, Logic) else Kind.NUMBER
            _sides(node.left, node.right, want, known, f"{op!r} needs {_plural(want)}")
            return want
        case Compare():
            return _compare(node, known)
    raise ConditionError(f"not a condition node: {node!r}", 0)


def _compare(node: Compare, known: Mapping[str, Kind]) -> Kind:
    if node.op in ("==", "!="):
        if kind_of(node.left, known) is not kind_of(node.right, known):
            message = f"{node.op!r} cannot compare true/false with a number"
            raise ConditionError(message, *node.at)
    else:
        _sides(node.left, node.right, Kind.NUMBER, known, f"{node.op!r} needs numbers")
    return Kind.BOOLEAN


def _call(node: Call, known: Mapping[str, Kind]) -> Kind:
    name_at = (node.at[0], node.at[0] + len(node.func))
    if node.func not in FUNCTIONS:
        hint = suggest(node.func, FUNCTIONS) or f" (functions: {', '.join(sorted(FUNCTIONS))})"
        raise ConditionError(f"unknown function {node.func!r}{hint}", *name_at)
    fewest, most = FUNCTIONS[node.func]
    given = len(node.args)
    if given < fewest or (most is not None and given > most):
        bound = f"{fewest}" if fewest == most else f"at least {fewest}"
        message = f"{node.func}() takes {bound} argument{'s' * (fewest > 1)}, not {given}"
        raise ConditionError(message, *node.at)
    for i, arg in enumerate(node.args, 1):
        _expect(arg, Kind.NUMBER, known, f"{node.func}() needs numbers, but argument {i} is")
    return Kind.NUMBER


def _sides(left: Node, right: Node, want: Kind, known: Mapping[str, Kind], what: str) -> None:
    _expect(left, want, known, f"{what}, but its left side is")
    _expect(right, want, known, f"{what}, but its right side is")


def _expect(node: Node, want: Kind, known: Mapping[str, Kind], message: str) -> None:
    got = kind_of(node, known)
    if got is not want:
        raise _error(node, f"{message} {_singular(got)}")


def _error(node: Node, message: str) -> ConditionError:
    return ConditionError(message, *extent(node))


def _plural(kind: Kind) -> str:
    return "numbers" if kind is Kind.NUMBER else "true/false on both sides"


def _singular(kind: Kind) -> str:
    return "a number" if kind is Kind.NUMBER else "true/false"
