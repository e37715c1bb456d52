"""Column getters for the sink tables: from validated models (platform input) and from
the JSON objects of envelopes warroom wrote itself (already validated: read as is).

Absent ids become ``''``; nested detail (hits, changes, observed values) is JSON text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any

import orjson

Getter = Callable[[Any], Any]


def attrs(names: str) -> dict[str, Getter]:
    """Model attributes read as they are."""
    return {name: attrgetter(name) for name in names.split()}


def attr_or_empty(names: str) -> dict[str, Getter]:
    """Optional model attributes, ``''`` when absent."""
    return {name: _or_empty(attrgetter(name)) for name in names.split()}


def keys(names: str) -> dict[str, Getter]:
    """JSON fields read as they are."""
    return {name: itemgetter(name) for name in names.split()}


def keys_or_empty(names: str) -> dict[str, Getter]:
    """Optional JSON fields, ``''`` when absent or null."""
    return {name: _or_empty(_item(name)) for name in names.split()}


def times(names: str) -> dict[str, Getter]:
    """JSON ISO-8601 times (pydantic writes ``...Z``) as datetimes."""
    return {name: _converted(name, datetime.fromisoformat) for name in names.split()}


def money(names: str) -> dict[str, Getter]:
    """JSON decimal strings as ``Decimal``."""
    return {name: _converted(name, Decimal) for name in names.split()}


def json_text(names: str) -> dict[str, Getter]:
    """JSON fields kept as JSON text."""
    return {name: _converted(name, lambda v: orjson.dumps(v).decode()) for name in names.split()}


def _item(name: str) -> Getter:
    return lambda d: d.get(name)


def _or_empty(get: Getter) -> Getter:
    return lambda r: get(r) or ""


def _converted(name: str, convert: Callable[[Any], Any]) -> Getter:
    return lambda d: convert(d[name])
