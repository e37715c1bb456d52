"""Client-side query parameters: ``%(name)s`` placeholders replaced by quoted literals.

18.16 has no server-side ``{x:Type}`` parameters and chdb takes plain SQL, so both
backends receive the same text, rendered here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from warroom.store.warehouse.base import WarehouseError

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def quote(value: Any) -> str:
    """A ClickHouse literal for ``value``; datetimes are written in UTC.

    >>> quote("it's")
    "'it\\\\'s'"
    >>> quote([1, None, "a"])
    "[1, NULL, 'a']"
    >>> quote(datetime(2024, 1, 1, 8, tzinfo=UTC))
    "'2024-01-01 08:00:00'"
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo else value
        return f"'{utc:%Y-%m-%d %H:%M:%S}'"
    if isinstance(value, date):
        return f"'{value:%Y-%m-%d}'"
    if isinstance(value, str):
        return "'" + "".join(_ESCAPES.get(c, c) for c in value) + "'"
    if isinstance(value, list | tuple | set | frozenset):
        inner = ", ".join(quote(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    raise WarehouseError(f"cannot pass a {type(value).__name__} as a query parameter")


def render(sql: str, params: Mapping[str, Any] | None) -> str:
    """``sql`` with its ``%(name)s`` placeholders filled (no params: ``sql`` unchanged).
    With params, a literal ``%`` (``LIKE 'a%'``) is written ``%%``.

    >>> render("SELECT * FROM t WHERE shop_id = %(shop)s", {"shop": "s1"})
    "SELECT * FROM t WHERE shop_id = 's1'"
    """
    if not params:
        return sql
    try:
        return sql % {name: quote(value) for name, value in params.items()}
    except KeyError as exc:
        raise WarehouseError(f"query parameter {exc} is missing") from None
