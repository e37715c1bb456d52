"""ClickHouse column types as Arrow types (chdb inserts), and chdb's Arrow results as the
Python values the server backend gives, for the types warroom's tables use."""

from __future__ import annotations

import re
from datetime import UTC, datetime
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


_ENUM_VALUE = re.compile(r"'((?:[^'\\]|\\.)*)' = (-?\d+)")


def needs_types(schema: pa.Schema) -> bool:
    """Whether Arrow alone cannot tell the Python values: chdb sends DateTime as uint32
    and Enum as its integer code."""
    return any(pa.types.is_integer(field.type) for field in schema)


def python_values(column: pa.ChunkedArray, type_name: str | None = None) -> list[Any]:
    """A result column (chdb's Arrow output) as Python values, as the server backend gives
    them: times aware in UTC, decimals as ``Decimal``, enums and strings as ``str``.
    ``type_name`` is the column's ClickHouse type (needed for DateTime and Enum).

    >>> python_values(pa.chunked_array([[1, 2]], pa.int8()), "Enum8('u' = 1, 'f' = 2)")
    ['u', 'f']
    """
    values: list[Any] = column.to_pylist()
    inner = type_name or ""
    if (unwrapped := _inner(inner, "Nullable")) is not None:
        inner = unwrapped
    if inner.startswith("DateTime") and pa.types.is_integer(column.type):
        return [None if v is None else datetime.fromtimestamp(v, UTC) for v in values]
    if inner.startswith("Enum") and pa.types.is_integer(column.type):
        names = {int(code): name for name, code in _ENUM_VALUE.findall(inner)}
        return [None if v is None else names.get(v, str(v)) for v in values]
    if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
        return [None if v is None else v.decode() for v in values]
    return values
