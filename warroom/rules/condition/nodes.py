"""The syntax tree of a condition: small frozen nodes compared by structure.

Every node keeps ``at``, the span of its own token (the operator, name, number or
function name) for error messages; it takes no part in equality.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

#: (start, end) character offsets in the source.
Span = tuple[int, int]
NOWHERE: Span = (0, 0)

#: How tightly each operator binds (higher binds tighter): or < and < not < comparison
#: < + - < * / < unary minus.
OR, AND, NOT, COMPARE, SUM, PRODUCT, NEGATE, ATOM = range(1, 9)
BINARY = {"or": OR, "and": AND, "+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT}
BINARY.update(dict.fromkeys(("<", "<=", ">", ">=", "==", "!="), COMPARE))


@dataclass(frozen=True, slots=True)
class Number:
    """A non-negative literal; ``-1`` is ``Negate(Number(1))``."""

    value: int | float
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Boolean:
    value: bool
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A metric or entity field, read from the values at evaluation."""

    id: str
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Node, ...]
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Arith:
    """``+ - * /``."""

    op: str
    left: Node
    right: Node
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Compare:
    """``< <= > >= == !=``."""

    op: str
    left: Node
    right: Node
    at: Span = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Logic:
    """``and`` / ``or``."""

    op: str
    left: Node
    right: Node
    at: Span = field(default=NOWHERE, compare=False, repr=False)


Node = Number | Boolean | Name | Call | Negate | Not | Arith | Compare | Logic


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node``, left to right."""
    match node:
        case Arith() | Compare() | Logic():
            return (node.left, node.right)
        case Negate() | Not():
            return (node.operand,)
        case Call():
            return node.args
    return ()


def walk(node: Node) -> Iterator[tuple[Node, int]]:
    """Every node with its depth (the root is 1), pre-order, left to right, without
    recursion (so it is safe on any tree).

    >>> [(type(n).__name__, d) for n, d in walk(Negate(Name("bid")))]
    [('Negate', 1), ('Name', 2)]
    """
    stack = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        yield item, depth
        stack.extend((child, depth + 1) for child in reversed(children(item)))


def extent(node: Node) -> Span:
    """The span of all the tokens of ``node`` (parentheses around it excluded)."""
    spans = [n.at for n, _ in walk(node)]
    return min(s[0] for s in spans), max(s[1] for s in spans)
