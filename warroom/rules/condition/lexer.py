"""Turn condition text into tokens: numbers, names, keywords and operators."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from warroom.rules.condition.errors import ConditionError

#: Longest condition accepted, in characters.
MAX_LENGTH = 2000
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", ",")

_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_TOKEN = re.compile(
    rf"""(?P<space>\s+)
    |(?P<number>{_DIGITS}(?:\.{_DIGITS})?(?:[eE][+-]?{_DIGITS})?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op><=|>=|==|!=|[-<>+*/(),])""",
    re.VERBOSE,
)
_WORD_REST = re.compile(r"[A-Za-z0-9_.]*")
_HINTS = {
    "=": "use '==' to compare",
    "!": "use 'not', or '!=' to compare",
    "&": "use 'and'",
    "|": "use 'or'",
    ".": "write numbers with a leading digit, e.g. 0.5",
}
#: Look-alikes that NFKC does not fold to ASCII (full-width ones, e.g. '（', it does).
_LOOKALIKES = {"−": "-", "×": "*", "÷": "/", "≥": ">=", "≤": "<=", "≠": "!="}


@dataclass(frozen=True, slots=True)
class Token:
    """``kind`` is ``number``, ``name``, ``end``, or the keyword / operator text itself."""

    kind: str
    text: str
    pos: int
    value: int | float = 0

    @property
    def end(self) -> int:
        return self.pos + len(self.text)

    def describe(self) -> str:
        """How error messages name the token."""
        if self.kind == "end":
            return "the end of the condition"
        if self.kind == "number":
            return f"number {self.text}"
        if self.kind == "name":
            return f"name {self.text!r}"
        return repr(self.text)


def tokenize(source: str) -> list[Token]:
    """The tokens of ``source``, ending with an ``end`` token.

    >>> [t.kind for t in tokenize("ctr_5m < 0.01 and not paused")]
    ['name', '<', 'number', 'and', 'not', 'name', 'end']
    >>> tokenize("5_000")[0].value
    5000
    """
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise _bad_character(source, pos)
        kind, text = match.lastgroup or "", match.group()
        if kind == "number":
            tokens.append(_number(source, pos, text))
        elif kind == "name":
            tokens.append(_name(text, pos))
        elif kind == "op":
            tokens.append(Token(text, text, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(source.rstrip())))
    return tokens


def _number(source: str, pos: int, text: str) -> Token:
    rest = _WORD_REST.match(source, pos + len(text))
    if rest is not None and rest.group():
        bad = text + rest.group()
        raise ConditionError(f"malformed number {bad!r}", pos, pos + len(bad))
    plain = text.replace("_", "")
    value: int | float = int(plain) if plain.isdigit() else float(plain)
    if value == float("inf"):
        raise ConditionError(f"number {text} is too large", pos, pos + len(text))
    return Token("number", text, pos, value)


def _name(text: str, pos: int) -> Token:
    if text != text.lower():
        raise ConditionError(
            f"names and keywords are lower case: write {text.lower()!r}", pos, pos + len(text)
        )
    return Token(text if text in KEYWORDS else "name", text, pos)


def _bad_character(source: str, pos: int) -> ConditionError:
    char = source[pos]
    hint = _HINTS.get(char)
    ascii_form = _LOOKALIKES.get(char) or unicodedata.normalize("NFKC", char)
    if hint is None and ascii_form != char and ascii_form.isascii() and ascii_form.strip():
        hint = f"use the ASCII {ascii_form!r}"
    message = f"unexpected character {char!r}"
    return ConditionError(f"{message}: {hint}" if hint else message, pos, pos + 1)


def suggest(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""``.

    >>> suggest("adn", KEYWORDS)
    "; did you mean 'and'?"
    """
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
