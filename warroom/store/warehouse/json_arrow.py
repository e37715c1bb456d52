"""A sink table's columns read straight from the JSON text of its messages into Arrow:
chdb's fast path, with no Python object per row.

The sink's usual path decodes every record into a struct, builds Python lists and
converts them to Arrow cell by cell; for clicks that cost more than chdb's insert of
the same rows. Here the messages (envelopes: a JSON array of records, or one record)
are joined into newline-delimited JSON, one line per message (``{"e": <message>}``),
and parsed by Arrow's JSON reader (C++, several threads) with an explicit schema; the
columns are then made with vectorised Arrow kernels, by the same ``Json`` declarations
the helpers of ``getters.py`` carry, typed by the table's own columns.

Same rows as the usual path, or none: whatever that path would read otherwise (a
required field absent or null, a time that is not ``YYYY-MM-DDTHH:MM:SS[.ffffff]`` with a
zone, a number where a string belongs, bad JSON, ...) raises ``ValueError`` or an Arrow
error, and the sink then takes the usual path for the batch, where each message is
judged on its own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from warroom.store.warehouse.getters import Json

#: A message and where it came from: (topic, partition, offset, value).
Message = tuple[str, int, int, bytes]
SOURCE = ("src_topic", "src_partition", "src_offset")
#: The times msgspec and Arrow read alike (fractions beyond microseconds: the usual path).
TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
#: Arrow's reader parses blocks of this size in parallel.
BLOCK = 1 << 20
#: What a batch the fast path cannot read raises.
FAILED = (ValueError, TypeError, KeyError, ArithmeticError, pa.ArrowException)


class JsonColumns:
    """Reads a table's columns (``json``) and its source columns from messages."""

    def __init__(self, json: Sequence[Json]) -> None:
        self.json = tuple(json)
        self.names = [j.column for j in self.json] + list(SOURCE)
        required = [j for j in self.json if j.kind in ("key", "time", "money")]
        self.marker = f'"{required[0].path[-1]}":'.encode() if required else b"{"

    def rows_hint(self, value: bytes) -> int:
        """About how many records a message holds (the marker's count), at least 1."""
        return max(value.count(self.marker), 1)

    def table(self, messages: Sequence[Message], schema: pa.Schema) -> pa.Table:
        """The rows of ``messages`` typed as ``schema`` (the table's columns ``names``)."""
        lists = self._read(messages, self._read_type(schema))
        records = pc.list_flatten(lists)
        if records.null_count:
            raise ValueError("a record is null")
        parents = pc.list_parent_indices(lists)
        columns = {
            j.column: self._column(records, j, schema.field(j.column).type) for j in self.json
        }
        sources = zip(*(m[:3] for m in messages), strict=True)
        for name, values in zip(SOURCE, sources, strict=True):
            columns[name] = pa.array(values, schema.field(name).type).take(parents)
        return pa.table(columns, schema=schema)

    def _read(self, messages: Sequence[Message], record: pa.DataType) -> pa.Array:
        parts: list[bytes] = []
        for *_, value in messages:
            value = value.strip(b" \t\r\n")  # JSON's white space
            if value[:1] == b"{":
                value = b"[" + value + b"]"
            elif value[:1] != b"[":
                raise ValueError("not a JSON array or object")
            parts += (b'{"e":', value, b"}\n")
        data = b"".join(parts)
        parse = pj.ParseOptions(
            explicit_schema=pa.schema([("e", pa.list_(record))]),
            newlines_in_values=data.count(b"\n") != len(messages) or b"\r" in data,
            unexpected_field_behavior="ignore",
        )
        read = pj.ReadOptions(block_size=BLOCK)
        table = pj.read_json(io.BytesIO(data), read_options=read, parse_options=parse)
        return table.column("e").combine_chunks()

    def _read_type(self, schema: pa.Schema) -> pa.DataType:
        """The record as Arrow's reader is told to find it in the JSON."""
        tree: dict[str, Any] = {}
        for j in self.json:
            node = tree
            for part in j.path[:-1]:
                node = node.setdefault(part, {})
            node[j.path[-1]] = _json_type(j, schema.field(j.column).type)
        return _struct(tree)

    @staticmethod
    def _column(records: pa.Array, j: Json, target: pa.DataType) -> pa.Array:
        values = records
        for depth, part in enumerate(j.path, start=1):
            values = values.field(part)
            if depth < len(j.path) and values.null_count:
                raise ValueError(f"{part} absent or null")  # a nested object is required
        if j.kind in ("key", "time", "money") and values.null_count:
            raise ValueError(f"{j.path[-1]} absent or null")
        if j.kind == "time":
            if not pc.all(pc.match_substring_regex(values, TIME)).as_py():
                raise ValueError(f"{j.path[-1]}: a time the fast path does not read")
            unit = pa.timestamp("us", getattr(target, "tz", None))
            return pc.cast(pc.cast(values, unit), target, safe=False)  # seconds, truncated
        if j.kind == "or_default":
            values = pc.fill_null(values, j.default)
        return pc.cast(values, target)


def _json_type(j: Json, target: pa.DataType) -> pa.DataType:
    """How a column's field is read from JSON: as the table's type where JSON has it."""
    if j.kind in ("time", "money") or pa.types.is_string(target):
        return pa.string()
    if pa.types.is_integer(target):
        return pa.int64()
    if pa.types.is_floating(target):
        return pa.float64()  # then rounded to the column's type, as the usual path does
    return target


def _struct(tree: dict[str, Any]) -> pa.DataType:
    return pa.struct([(k, _struct(v) if isinstance(v, dict) else v) for k, v in tree.items()])
