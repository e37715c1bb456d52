"""Column getters for the sink tables: from the JSON objects of envelopes warroom wrote
itself (validated at ingest: read as is).

A getter makes a whole column from a batch of objects (``map`` over C-level item getters
where it can: a Python call per cell would cost more than the insert). Absent ids become
``''``; nested detail (hits, changes, observed values) is JSON text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

import orjson

Column = Callable[[Sequence[Any]], list[Any]]


def keys(names: str) -> dict[str, Column]:
    """JSON fields read as they are.

    >>> keys("a")["a"]([{"a": 1}, {"a": 2}])
    [1, 2]
    """
    return {name: _mapped(itemgetter(name)) for name in names.split()}


def keys_or_empty(names: str) -> dict[str, Column]:
    """Optional JSON fields, ``''`` when absent or null.

    >>> keys_or_empty("a")["a"]([{"a": "x"}, {"a": None}, {}])
    ['x', '', '']
    """
    return {name: _or(name, "") for name in names.split()}


def keys_or_none(names: str) -> dict[str, Column]:
    """Optional JSON fields, ``None`` when absent."""
    return {name: _or(name, None) for name in names.split()}


def nested(outer: str, names: str, default: Any) -> dict[str, Column]:
    """Optional fields of a nested object (``viewer.gender``), ``default`` when absent or null.

    >>> nested("v", "g", 0)["g"]([{"v": {"g": 2}}, {"v": {}}])
    [2, 0]
    """
    inner = itemgetter(outer)
    return {name: _of(inner, name, default) for name in names.split()}


def times(names: str) -> dict[str, Column]:
    """JSON ISO-8601 times (pydantic writes ``...Z``) as datetimes."""
    return {name: _converted(name, datetime.fromisoformat) for name in names.split()}


def money(names: str) -> dict[str, Column]:
    """JSON decimal strings as ``Decimal``."""
    return {name: _converted(name, Decimal) for name in names.split()}


def json_text(names: str) -> dict[str, Column]:
    """JSON fields kept as JSON text."""
    return {name: _converted(name, lambda v: orjson.dumps(v).decode()) for name in names.split()}


def per_row(get: Callable[[Any], Any]) -> Column:
    """A column from a function of one object."""
    return lambda records: [get(r) for r in records]


def _mapped(get: Callable[[Any], Any]) -> Column:
    return lambda records: list(map(get, records))


def _or(name: str, default: Any) -> Column:
    return lambda records: [r.get(name) or default for r in records]


def _of(inner: Callable[[Any], Any], name: str, default: Any) -> Column:
    return lambda records: [o.get(name) or default for o in map(inner, records)]


def _converted(name: str, convert: Callable[[Any], Any]) -> Column:
    get = itemgetter(name)
    return lambda records: list(map(convert, map(get, records)))
