"""The embedded backend: chdb (ClickHouse in this process) on a data directory.

chdb lets one process open one data path, and only one: in the embedded mode the
worker process owns it (its sinks write, its API reads). A second process on the
same path gets ``WarehouseUnavailable``; several workers need the server backend.

Inserts go in as one Arrow stream per batch, typed by the table's own columns
(``DESCRIBE TABLE``, cached), so no type is guessed from Python values; ``insert_arrow``
takes a batch already in Arrow (the sink reads clicks straight from JSON into Arrow). Queries come
back as an Arrow stream, converted column by column (``chdb_types.python_values``):
3-4× faster than parsing JSON for large results.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pyarrow as pa

from warroom.store.warehouse.base import (
    Columns,
    Params,
    Row,
    Warehouse,
    WarehouseError,
    WarehouseUnavailable,
    row_count,
)
from warroom.store.warehouse.chdb_types import arrow_type, needs_types, python_values
from warroom.store.warehouse.params import render

_SESSION = (
    "SET output_format_json_quote_decimals = 1",
    "SET output_format_json_quote_64bit_integers = 1",
)


def load_chdb() -> ModuleType:
    """Import chdb (heavy, ~0.4 s: only when the embedded warehouse is used).

    Importing it changes the whole process's working directory for as long as its engine
    loads; the commands do it at start, before any other thread runs, so that nothing
    resolves a relative path inside chdb's package meanwhile (a SQL store once came up
    there: "no such table", writes the API never saw).
    """
    import chdb

    return chdb


class ChdbWarehouse(Warehouse):
    """ClickHouse in process, data kept under ``path``."""

    backend = "chdb"
    takes_arrow = True

    def __init__(self, path: Path, database: str) -> None:
        chdb = load_chdb()

        super().__init__(database)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._schemas: dict[str, pa.Schema] = {}
        try:
            self._conn = chdb.connect(str(path))
        except RuntimeError as exc:
            raise WarehouseUnavailable(f"chdb cannot open {path}: {exc}") from None
        for sql in (f"CREATE DATABASE IF NOT EXISTS {database}", f"USE {database}", *_SESSION):
            self._run(sql)

    def _run(self, sql: str, fmt: str = "CSV") -> Any:
        try:
            with self._lock:
                return self._conn.query(sql, fmt)
        except RuntimeError as exc:  # chdb.ChdbError derives from RuntimeError
            raise WarehouseError(str(exc)) from None

    def execute(self, sql: str, params: Params | None = None) -> None:
        self._run(render(sql, params))

    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        text = render(sql, params)
        raw = self._run(text, "ArrowStream").bytes()
        if not raw:
            return []
        table = pa.ipc.open_stream(raw).read_all()
        if table.num_rows == 0:
            return []
        types = self._types(text) if needs_types(table.schema) else [None] * table.num_columns
        columns = [python_values(c, t) for c, t in zip(table.columns, types, strict=True)]
        return list(zip(*columns, strict=True))

    def _types(self, sql: str) -> list[str | None]:
        """The ClickHouse types of a query's columns (``DESCRIBE`` of the query)."""
        body = orjson.loads(self._run(f"DESCRIBE ({sql})", "JSONCompact").bytes())
        return [row[1] for row in body["data"]]

    def insert(self, table: str, columns: Columns) -> int:
        if row_count(columns) == 0:
            return 0
        return self.insert_arrow(
            table,
            list(columns),
            lambda schema: pa.table({n: columns[n] for n in schema.names}, schema=schema),
        )

    def insert_arrow(self, table: str, names: list[str], build: Callable[[Any], Any]) -> int:
        schema = self._schema(table, names)
        batch: pa.Table = build(schema)
        if batch.num_rows == 0:
            return 0
        sink = io.BytesIO()
        with pa.ipc.new_stream(sink, schema) as writer:
            writer.write_table(batch)
        names_sql = ", ".join(schema.names)
        try:
            with self._lock:
                inserter = self._conn.send_insert(
                    f"INSERT INTO {table} ({names_sql})", "ArrowStream"
                )
                inserter.append(sink.getvalue())
                inserter.finish()
        except RuntimeError as exc:
            raise WarehouseError(f"insert into {table}: {exc}") from None
        return int(batch.num_rows)

    def _schema(self, table: str, names: list[str]) -> pa.Schema:
        key = f"{table}:{','.join(names)}"
        if key not in self._schemas:
            types: dict[str, str] = {r[0]: r[1] for r in self.query(f"DESCRIBE TABLE {table}")}
            missing = [n for n in names if n not in types]
            if missing:
                raise WarehouseError(f"{table} has no column(s) {missing}")
            self._schemas[key] = pa.schema([(n, arrow_type(types[n])) for n in names])
        return self._schemas[key]

    def close(self) -> None:
        super().close()
        with self._lock:
            self._conn.close()
