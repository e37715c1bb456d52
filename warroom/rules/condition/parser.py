"""Parse condition text into a syntax tree (syntax only: names are not looked up).

A precedence-climbing parser. Nesting is bounded twice, so that nothing here or
later (checking, compiling, evaluating) can hit Python's recursion limit: the
parser refuses more than ``MAX_DEPTH`` nested operands and parentheses, and the
finished tree may be at most ``MAX_DEPTH`` nodes high (``a + b + ... + z`` is a tree
as high as it is long).
"""

from __future__ import annotations

from warroom.rules.condition.errors import ConditionError
from warroom.rules.condition.lexer import KEYWORDS, MAX_LENGTH, Token, suggest, tokenize
from warroom.rules.condition.nodes import (
    BINARY,
    COMPARE,
    NEGATE,
    NOT,
    OR,
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
    Span,
    walk,
)
from warroom.rules.condition.unparse import unparse

#: Deepest nesting accepted: levels of operators, function calls and parentheses.
MAX_DEPTH = 50


def parse(source: str) -> Node:
    """The syntax tree of ``source``; ConditionError points at the first problem.

    >>> parse("not (spend_today > budget_cap)")
    Not(operand=Compare(op='>', left=Name(id='spend_today'), right=Name(id='budget_cap')))
    """
    if not isinstance(source, str):
        raise ConditionError("a condition must be text", 0)
    if len(source) > MAX_LENGTH:
        message = f"condition is too long: {len(source)} characters (at most {MAX_LENGTH})"
        raise ConditionError(message, MAX_LENGTH, len(source))
    node = _Parser(tokenize(source)).condition()
    for sub, depth in walk(node):
        if depth > MAX_DEPTH:
            raise _too_deep(sub.at)
    return node


def _too_deep(at: Span) -> ConditionError:
    message = f"condition is nested too deeply: more than {MAX_DEPTH} levels"
    return ConditionError(message + " of operators, calls or parentheses", *at)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def condition(self) -> Node:
        if self.tok.kind == "end":
            raise ConditionError("empty condition", 0)
        node = self.expr(OR)
        if self.tok.kind == ")":
            raise ConditionError("unmatched ')'", self.tok.pos, self.tok.end)
        if self.tok.kind != "end":
            raise self.unexpected("an operator")
        return node

    def expr(self, min_prec: int) -> Node:
        """Operands joined by binary operators that bind at least ``min_prec``."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            opener = self.tokens[self.i - 1]
            raise _too_deep((opener.pos, opener.end))
        left = self.prefix(min_prec)
        chain: Compare | None = None
        while BINARY.get(self.tok.kind, 0) >= min_prec:
            op = self.advance()
            prec = BINARY[op.kind]
            if chain is not None and prec == COMPARE:
                raise self.chained(chain, op)
            left = _binary(op, prec, left, self.expr(prec + 1))
            chain = left if isinstance(left, Compare) else None
        self.depth -= 1
        return left

    def prefix(self, min_prec: int) -> Node:
        tok = self.tok
        if tok.kind == "not":
            if min_prec > NOT:
                message = "'not' needs parentheses here: write '(not ...)'"
                raise ConditionError(message, tok.pos, tok.end)
            self.advance()
            return Not(self.expr(NOT), at=(tok.pos, tok.end))
        if tok.kind == "-":
            self.advance()
            return Negate(self.expr(NEGATE), at=(tok.pos, tok.end))
        return self.primary()

    def primary(self) -> Node:
        tok = self.tok
        at = (tok.pos, tok.end)
        if tok.kind == "number":
            node: Node = Number(tok.value, at=at)
        elif tok.kind in ("true", "false"):
            node = Boolean(tok.kind == "true", at=at)
        elif tok.kind == "name":
            self.advance()
            return self.call(tok) if self.tok.kind == "(" else Name(tok.text, at=at)
        elif tok.kind == "(":
            self.advance()
            node = self.expr(OR)
            self.close(tok, "')' or an operator")
            return node
        else:
            raise self.unexpected("a number, a name or '('")
        self.advance()
        return node

    def call(self, name: Token) -> Call:
        opener = self.advance()
        args: list[Node] = []
        if self.tok.kind != ")":
            args.append(self.expr(OR))
            while self.tok.kind == ",":
                self.advance()
                args.append(self.expr(OR))
        closer = self.close(opener, "',', ')' or an operator")
        return Call(name.text, tuple(args), at=(name.pos, closer.end))

    def close(self, opener: Token, expected: str) -> Token:
        if self.tok.kind == ")":
            return self.advance()
        if self.tok.kind == "end":
            raise ConditionError("'(' is never closed", opener.pos, opener.end)
        raise self.unexpected(expected)

    def unexpected(self, expected: str) -> ConditionError:
        tok = self.tok
        message = f"expected {expected} but found {tok.describe()}"
        if tok.kind == "name":
            message += suggest(tok.text, KEYWORDS)
        return ConditionError(message, tok.pos, tok.end)

    def chained(self, first: Compare, op: Token) -> ConditionError:
        a, b = unparse(first.left), unparse(first.right)
        c = unparse(self.expr(COMPARE + 1))
        message = f"comparisons cannot be chained: write '{a} {first.op} {b} and {b} {op.text} {c}'"
        return ConditionError(message, op.pos, op.end)


def _binary(op: Token, prec: int, left: Node, right: Node) -> Node:
    at = (op.pos, op.end)
    if prec < NOT:
        return Logic(op.kind, left, right, at=at)
    if prec == COMPARE:
        return Compare(op.kind, left, right, at=at)
    return Arith(op.kind, left, right, at=at)
