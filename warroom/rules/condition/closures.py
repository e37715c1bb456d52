"""The closures a condition compiles to, and with them the evaluation semantics.

Values are numbers, true/false, or ``None`` for "unknown" (no data). Unknown
propagates: arithmetic, comparisons and functions with an unknown operand are
unknown; ``and`` / ``or`` / ``not`` follow Kleene (SQL) logic. A closure never
raises on any values:

- a number is a finite int or float; a missing name, ``None``, NaN, infinity, a value
  of the wrong kind (``True`` for a number, ``1`` for a flag) or of another type is
  unknown; other real numbers (``Decimal``, ``Fraction``, numpy scalars) become floats;
- ``x / 0``, and arithmetic whose result overflows or is not finite, is unknown.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

Values = Mapping[str, float | int | bool | None]
Num = int | float | None
NumFn = Callable[[Values], Num]
TruthFn = Callable[[Values], bool | None]
Operator = Callable[[Any, Any], Any]

ARITH: dict[str, Operator] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
COMPARE: dict[str, Operator] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def constant(value: object) -> Callable[[Values], Any]:
    return lambda values: value


def load_number(name: str) -> NumFn:
    def load(values: Values) -> Num:
        x = values.get(name)
        if type(x) is float:
            return x if x - x == 0.0 else None  # NaN and infinities are unknown
        if type(x) is int:
            return x
        return _as_number(x)

    return load


def _as_number(x: object) -> Num:
    """The slow path: other real number types become floats; anything else is unknown."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real | Decimal):
        return None
    try:
        f = float(x)
    except (ArithmeticError, ValueError):  # too large; a signalling NaN
        return None
    return f if f - f == 0.0 else None


def load_flag(name: str) -> TruthFn:
    def load(values: Values) -> bool | None:
        x = values.get(name)
        return x if type(x) is bool else None

    return load


def arith(op: Operator, left: NumFn, right: NumFn) -> NumFn:
    def arith(values: Values) -> Num:
        a = left(values)
        if a is None:
            return None
        b = right(values)
        if b is None:
            return None
        try:
            x = op(a, b)
        except ArithmeticError:  # x / 0; an int too large for a float
            return None
        return x if x - x == 0 else None  # overflow to infinity is unknown

    return arith


def negate(operand: NumFn) -> NumFn:
    def negate(values: Values) -> Num:
        a = operand(values)
        return None if a is None else -a

    return negate


def absolute(operand: NumFn) -> NumFn:
    def absolute(values: Values) -> Num:
        a = operand(values)
        return None if a is None else abs(a)

    return absolute


def extreme(pick: Callable[[list[int | float]], int | float], args: Sequence[NumFn]) -> NumFn:
    """``min`` or ``max`` of the arguments."""

    def call(values: Values) -> Num:
        xs = []
        for arg in args:
            x = arg(values)
            if x is None:
                return None
            xs.append(x)
        return pick(xs)

    return call


def compare_with(
    test: Operator, left: Callable[[Values], Any], right: Callable[[Values], Any]
) -> TruthFn:
    def compare(values: Values) -> bool | None:
        a = left(values)
        if a is None:
            return None
        b = right(values)
        if b is None:
            return None
        return test(a, b)

    return compare


def compare_to(test: Operator, left: NumFn, bound: int | float) -> TruthFn:
    def compare(values: Values) -> bool | None:
        a = left(values)
        return None if a is None else test(a, bound)

    return compare


def negation(operand: TruthFn) -> TruthFn:
    def negation(values: Values) -> bool | None:
        a = operand(values)
        return None if a is None else not a

    return negation


def conjunction(left: TruthFn, right: TruthFn) -> TruthFn:
    def conjunction(values: Values) -> bool | None:
        a = left(values)
        if a is False:
            return False
        b = right(values)
        if b is False:
            return False
        return True if a is True and b is True else None

    return conjunction


def disjunction(left: TruthFn, right: TruthFn) -> TruthFn:
    def disjunction(values: Values) -> bool | None:
        a = left(values)
        if a is True:
            return True
        b = right(values)
        if b is True:
            return True
        return False if a is False and b is False else None

    return disjunction
