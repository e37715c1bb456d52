"""ClickHouse column types as Arrow types (chdb inserts) and as Python converters
(chdb's JSONCompact results), for the types warroom's tables use."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pyarrow as pa

from warroom.store.warehouse.base import WarehouseError

_INTS = {f"{s}Int{b}" for s in ("", "U") for b in (8, 16, 32, 64)}
_DECIMAL = re.compile(r"Decimal\((\d+), ?(\d+)\)")


def _inner(type_name: str, wrapper: str) -> str | None:
    if type_name.startswith(wrapper + "(") and type_name.endswith(")"):
        return type_name[len(wrapper) + 1 : -1]
    return None


@cache
def arrow_type(type_name: str) -> pa.DataType:
    """The Arrow type to send a column of ClickHouse type ``type_name`` as.

    >>> arrow_type("Nullable(Decimal(18, 4))")
    Decimal128Type(decimal128(18, 4))
    >>> arrow_type("Array(String)")
    ListType(list<item: string>)
    """
    for wrapper in ("Nullable", "LowCardinality"):
        if (inner := _inner(type_name, wrapper)) is not None:
            return arrow_type(inner)
    if (inner := _inner(type_name, "Array")) is not None:
        return pa.list_(arrow_type(inner))
    if type_name in _INTS:
        return getattr(pa, type_name.lower())()
    if (m := _DECIMAL.fullmatch(type_name)) is not None:
        return pa.decimal128(int(m[1]), int(m[2]))
    simple: dict[str, pa.DataType] = {
        "String": pa.string(),
        "Float32": pa.float32(),
        "Float64": pa.float64(),
        "Date": pa.date32(),
    }
    if type_name in simple:
        return simple[type_name]
    if type_name.startswith(("DateTime", "Enum8", "Enum16")):
        return pa.timestamp("s", tz="UTC") if type_name.startswith("DateTime") else pa.string()
    raise WarehouseError(f"no Arrow mapping for the ClickHouse type {type_name}")


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _nullable(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else inner(v)


def _array(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: [inner(x) for x in v]


def same(value: Any) -> Any:
    """A value JSONCompact already gives as Python's (strings, small ints, floats)."""
    return value


@cache
def converter(type_name: str) -> Callable[[Any], Any]:
    """How to turn a JSONCompact value of ClickHouse type ``type_name`` into Python.

    >>> converter("Nullable(DateTime('UTC'))")("2024-01-01 08:00:00")
    datetime.datetime(2024, 1, 1, 8, 0, tzinfo=datetime.timezone.utc)
    >>> converter("Array(UInt64)")(["1", "2"])
    [1, 2]
    """
    if (inner := _inner(type_name, "Nullable")) is not None:
        return _nullable(converter(inner))
    if (inner := _inner(type_name, "LowCardinality")) is not None:
        return converter(inner)
    if (inner := _inner(type_name, "Array")) is not None:
        return _array(converter(inner))
    if type_name.startswith("DateTime"):
        return _datetime
    if type_name == "Date":
        return date.fromisoformat
    if type_name.startswith("Decimal"):
        return Decimal
    if type_name in ("UInt64", "Int64", "UInt128", "Int128"):
        return int
    return same
