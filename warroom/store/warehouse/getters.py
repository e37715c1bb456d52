"""What the sink tables read from the records warroom wrote itself (validated at ingest:
read as is), and the columns made of it.

Each helper gives ``Fields``: the record fields it needs (as msgspec struct fields) and
the columns it makes of them. A table's fields become one struct type, so a message
decodes straight into structs, times and money converted by msgspec while it parses
(~3× faster than orjson into dicts and a Python conversion per cell: both cost more than
the insert itself). A column is then one ``map`` of a C-level attribute getter over the
whole batch where it can be. Absent ids become ``''``; nested detail (hits, changes,
observed values) is JSON text.

Each helper also says, as data (``Json``), how its columns are read straight from the
JSON text into Arrow (``json_arrow.py``: chdb's fast path), with the same meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, Literal

import msgspec
import orjson

Column = Callable[[Sequence[Any]], list[Any]]
#: How a column is read from JSON: ``key`` as is (required), ``or_default`` its default when
#: absent or null, ``or_none`` NULL when absent, ``time`` ISO-8601, ``money`` a decimal string.
JsonKind = Literal["key", "or_default", "or_none", "time", "money"]
#: A msgspec struct field: (name, type) or (name, type, default).
Field = tuple[Any, ...]


@dataclass(frozen=True)
class Json:
    """One column as the JSON fast path reads it: from the field at ``path`` (a nested
    field's object is required, as ``nested`` requires it)."""

    column: str
    path: tuple[str, ...]
    kind: JsonKind
    default: Any = None


@dataclass(frozen=True)
class Fields:
    """Record fields a table reads, and the columns (by name) it makes of them, together:
    some columns share work (a nested object is looked up once for all its fields).
    ``json``: the same columns read straight from JSON; None when that cannot be said."""

    fields: tuple[Field, ...]
    make: Callable[[Sequence[Any]], dict[str, list[Any]]]
    json: tuple[Json, ...] | None = None


def record_type(name: str, groups: Sequence[Fields]) -> type[msgspec.Struct]:
    """One struct type with every field of ``groups`` (a field declared twice must be
    declared alike), in any order (keyword-only). Not tracked by the garbage collector:
    records hold no cycles."""
    fields: dict[str, Field] = {}
    for field in (f for group in groups for f in group.fields):
        if fields.setdefault(field[0], field) != field:
            raise ValueError(f"{name}: field {field[0]!r} declared twice, differently")
    return msgspec.defstruct(name, list(fields.values()), gc=False, kw_only=True)


def envelope(record: type[msgspec.Struct]) -> Callable[[bytes], list[Any]]:
    """Decodes a message of one ``record`` or a JSON array of them (an envelope) into a
    list (a ``ValueError`` when it cannot)."""
    decoder = msgspec.json.Decoder(list[record] | record)  # type: ignore[valid-type]

    def decode(raw: bytes) -> list[Any]:
        value = decoder.decode(raw)
        return value if isinstance(value, list) else [value]

    return decode


def keys(names: str) -> Fields:
    """Fields read as they are (required).

    >>> rows(keys("a"), b'[{"a": 1}, {"a": 2}]')
    {'a': [1, 2]}
    """
    return _each(names, lambda name: ((name, Any), _mapped(attrgetter(name))), "key")


def keys_or_empty(names: str) -> Fields:
    """Optional fields, ``''`` when absent or null.

    >>> rows(keys_or_empty("a"), b'[{"a": "x"}, {"a": null}, {}]')
    {'a': ['x', '', '']}
    """
    return _each(
        names, lambda name: ((name, Any, None), _or(attrgetter(name), "")), "or_default", ""
    )


def keys_or_none(names: str) -> Fields:
    """Optional fields, ``None`` when absent."""
    return _each(names, lambda name: ((name, Any, None), _mapped(attrgetter(name))), "or_none")


def nested(outer: str, **defaults: Any) -> Fields:
    """Optional fields of a nested object (``viewer.gender``), each its default when absent
    or null; the object itself is required.

    >>> rows(nested("v", g=0), b'[{"v": {"g": 2}}, {"v": {}}]')
    {'g': [2, 0]}
    """
    inner = msgspec.defstruct(outer, [(n, Any, None) for n in defaults], gc=False)
    get = attrgetter(outer)
    columns = {name: _or(attrgetter(name), default) for name, default in defaults.items()}

    def make(records: Sequence[Any]) -> dict[str, list[Any]]:
        objects = list(map(get, records))
        return {name: column(objects) for name, column in columns.items()}

    falsy = all(not d for d in defaults.values())  # ``v or d`` is a null filled with d
    json = tuple(Json(n, (outer, n), "or_default", d) for n, d in defaults.items())
    return Fields(((outer, inner),), make, json if falsy else None)


def times(names: str) -> Fields:
    """ISO-8601 times (pydantic writes ``...Z``) as datetimes.

    >>> rows(times("t"), b'{"t": "2025-03-01T10:00:00Z"}')["t"][0].isoformat()
    '2025-03-01T10:00:00+00:00'
    """
    return _each(names, lambda name: ((name, datetime), _mapped(attrgetter(name))), "time")


def money(names: str) -> Fields:
    """Decimal strings as ``Decimal``."""
    return _each(names, lambda name: ((name, Decimal), _mapped(attrgetter(name))), "money")


def json_text(names: str) -> Fields:
    """Fields kept as JSON text."""

    def text(name: str) -> Column:
        get = attrgetter(name)
        return lambda records: [orjson.dumps(v).decode() for v in map(get, records)]

    return _each(names, lambda name: ((name, Any), text(name)))


def per_row(column: str, get: Callable[[Any], Any]) -> Fields:
    """A column from a function of one record (of fields other helpers declare)."""
    return Fields((), lambda records: {column: [get(r) for r in records]})


def renamed(fields: Fields, **columns: str) -> Fields:
    """``fields`` with some columns named otherwise (``ts="paid_at"``: column ``ts`` is
    made of field ``paid_at``)."""
    sources = {source: column for column, source in columns.items()}

    def make(records: Sequence[Any]) -> dict[str, list[Any]]:
        return {sources.get(n, n): c for n, c in fields.make(records).items()}

    json = fields.json and tuple(
        replace(j, column=sources.get(j.column, j.column)) for j in fields.json
    )
    return Fields(fields.fields, make, json)


def rows(fields: Fields, raw: bytes) -> dict[str, list[Any]]:
    """The columns ``fields`` make of one JSON object or array of them (for examples)."""
    return fields.make(envelope(record_type("Example", [fields]))(raw))


def _each(
    names: str,
    make: Callable[[str], tuple[Field, Column]],
    kind: JsonKind | None = None,
    default: Any = None,
) -> Fields:
    made = {name: make(name) for name in names.split()}
    columns = {name: column for name, (_, column) in made.items()}
    json = None if kind is None else tuple(Json(n, (n,), kind, default) for n in made)
    return Fields(
        tuple(f for f, _ in made.values()),
        lambda records: {name: column(records) for name, column in columns.items()},
        json,
    )


def _mapped(get: Callable[[Any], Any]) -> Column:
    return lambda records: list(map(get, records))


def _or(get: Callable[[Any], Any], default: Any) -> Column:
    return lambda records: [v or default for v in map(get, records)]
