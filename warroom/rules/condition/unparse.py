"""Canonical text of a syntax tree: one space around binary operators, minimal
parentheses, and ``parse(unparse(node)) == node``."""

from __future__ import annotations

from warroom.rules.condition.nodes import (
    ATOM,
    BINARY,
    COMPARE,
    NEGATE,
    NOT,
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


def unparse(node: Node) -> str:
    """The canonical text of ``node``.

    >>> from warroom.rules.condition.parser import parse
    >>> unparse(parse("(spend_30m>=(2*target_cpa))"))
    'spend_30m >= 2 * target_cpa'
    >>> unparse(parse("not(a or b) and -(x - 1) * 2 == 0"))
    'not (a or b) and -(x - 1) * 2 == 0'
    """
    match node:
        case Number(value=value):
            return repr(value) if isinstance(value, float) else str(value)
        case Boolean(value=value):
            return "true" if value else "false"
        case Name(id=name):
            return name
        case Call(func=func, args=args):
            return f"{func}({', '.join(unparse(arg) for arg in args)})"
        case Negate(operand=operand):
            return "-" + _operand(operand, NEGATE)
        case Not(operand=operand):
            return "not " + _operand(operand, NOT)
        case Compare(op=op, left=left, right=right):
            return f"{_operand(left, COMPARE + 1)} {op} {_operand(right, COMPARE + 1)}"
        case Arith(op=op, left=left, right=right) | Logic(op=op, left=left, right=right):
            power = BINARY[op]
            return f"{_operand(left, power)} {op} {_operand(right, power + 1)}"
    raise TypeError(f"not a condition node: {node!r}")


def binding(node: Node) -> int:
    """How tightly ``node``'s top operator binds (atoms bind tightest)."""
    match node:
        case Arith(op=op) | Logic(op=op):
            return BINARY[op]
        case Compare():
            return COMPARE
        case Not():
            return NOT
        case Negate():
            return NEGATE
    return ATOM


def _operand(node: Node, at_least: int) -> str:
    text = unparse(node)
    return text if binding(node) >= at_least else f"({text})"
