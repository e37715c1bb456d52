"""Compile a checked syntax tree into nested closures (see ``closures`` for what they
compute): one closure per node, built once when a condition is saved."""

from __future__ import annotations

from collections.abc import Mapping

from warroom.rules.condition import closures as c
from warroom.rules.condition.check import Kind
from warroom.rules.condition.errors import ConditionError
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
)


def compile_truth(node: Node, known: Mapping[str, Kind]) -> c.TruthFn:
    """A closure computing ``node`` (checked to be true/false): True, False or None.

    >>> from warroom.rules.condition.parser import parse
    >>> test = compile_truth(parse("orders_30m == 0 or bid > 1"), {"orders_30m": Kind.NUMBER,
    ...                                                          "bid": Kind.NUMBER})
    >>> test({"orders_30m": 0}), test({"orders_30m": 3, "bid": 2}), test({"orders_30m": 3})
    (True, True, None)
    """
    match node:
        case Boolean(value=value):
            return c.constant(value)
        case Name(id=name):
            return c.load_flag(name)
        case Not(operand=operand):
            return c.negation(compile_truth(operand, known))
        case Logic(op=op, left=left, right=right):
            both = compile_truth(left, known), compile_truth(right, known)
            return c.conjunction(*both) if op == "and" else c.disjunction(*both)
        case Compare(op=op, left=left, right=right):
            return _compare(op, left, right, known)
    raise ConditionError(f"not a true/false expression: {node!r}", *node.at)


def compile_number(node: Node, known: Mapping[str, Kind]) -> c.NumFn:
    """A closure computing the number ``node`` stands for, or None when unknown."""
    match node:
        case Number(value=value):
            return c.constant(value)
        case Name(id=name):
            return c.load_number(name)
        case Negate(operand=operand):
            return c.negate(compile_number(operand, known))
        case Arith(op=op, left=left, right=right):
            return c.arith(c.ARITH[op], compile_number(left, known), compile_number(right, known))
        case Call(func="abs", args=(operand,)):
            return c.absolute(compile_number(operand, known))
        case Call(func="min" | "max" as func, args=args):
            pick = min if func == "min" else max
            return c.extreme(pick, [compile_number(arg, known) for arg in args])
    raise ConditionError(f"not a numeric expression: {node!r}", *node.at)


def _compare(op: str, left: Node, right: Node, known: Mapping[str, Kind]) -> c.TruthFn:
    test = c.COMPARE[op]
    if _is_truth(left, known):
        return c.compare_with(test, compile_truth(left, known), compile_truth(right, known))
    if isinstance(right, Number):  # the common `metric >= 5000`: one closure fewer
        return c.compare_to(test, compile_number(left, known), right.value)
    return c.compare_with(test, compile_number(left, known), compile_number(right, known))


def _is_truth(node: Node, known: Mapping[str, Kind]) -> bool:
    if isinstance(node, Name):
        return known.get(node.id) is Kind.BOOLEAN
    return isinstance(node, Boolean | Not | Logic | Compare)
