"""The one error of the condition language: a message tied to a span of the source."""

from __future__ import annotations

import re
import unicodedata

from warroom.errors import WarroomError


class ConditionError(WarroomError):
    """A condition is not valid; ``position`` and ``end`` are character offsets.

    ``field`` names the form field the condition came from (for API error bodies).

    >>> err = ConditionError("unknown metric 'spend_3m'", 0, 8)
    >>> print(err.caret("spend_3m > 100"))
    spend_3m > 100
    ^~~~~~~~
    """

    def __init__(
        self, message: str, position: int, end: int | None = None, field: str = "condition"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.end = end
        self.field = field

    def __repr__(self) -> str:
        return f"ConditionError({self.message!r}, {self.position}, {self.end})"

    def caret(self, source: str) -> str:
        """Two lines: the source line holding the error and a ``^~~~`` marker under it.

        Wide (CJK) characters count two columns, so the marker stays under them.

        >>> print(ConditionError("unexpected end", 3).caret("x >"))
        x >
           ^
        """
        pos = min(max(self.position, 0), len(source))
        start, stop = 0, len(source)
        for brk in _LINE_BREAK.finditer(source):
            if brk.start() >= pos:
                stop = brk.start()
                break
            start = brk.end()
        end = min(max(self.end or pos + 1, pos + 1), max(stop, pos + 1))
        pad = _width(source[start:pos])
        marker = "^" + "~" * (max(_width(source[pos:end]), 1) - 1)
        return f"{_shown(source[start:stop])}\n{' ' * pad}{marker}"


#: What ``str.splitlines`` splits on.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _shown(text: str) -> str:
    """``text`` with control characters (tabs, ...) shown as one space each."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


def _width(text: str) -> int:
    """Terminal columns of ``text`` as shown: two for East Asian wide and full-width
    characters, one for the rest."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
