"""Warehouse sink: rows/s from Kafka message values to ClickHouse, against raw inserts
of the same rows, on both backends, side by side in one run.

    .venv/bin/python benchmarks/bench_sink.py [--seconds S] [--batch ROWS] [--dsn DSN]

``sink``: envelopes of 100 events (what the topics carry) through ``BatchingSink``:
decode, build columns, insert ``--batch`` rows per flush. Orders and clicks are read as
the sink reads them, already validated by ingest (plain JSON from ``orders-by-shop`` and
``clicks-valid``). ``raw``: the same rows already as Python columns,
inserted by the bare client (clickhouse-driver ``columnar=True``; chdb: the columns as
one Arrow stream via ``send_insert``). Without ``--dsn`` a clickhouse-server from
Debian's package is started on a free port. Sink and raw are timed in turn for
``--seconds`` each, ``--rounds`` times; the best round of each is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.warehouse helpers

from tests.warehouse import events
from tests.warehouse.clickhouse import ClickHouseServer
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.chdb_backend import ChdbWarehouse
from warroom.store.warehouse.rows import CLICKS, ORDERS, TableSpec
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams.codecs import encode_envelope

PER_MESSAGE = 100
#: The sink must reach at least this share of the raw insert rate (issue 7).
TARGET = 0.5
Columns = dict[str, list[object]]
MAKERS = {"orders": (ORDERS, events.orders), "clicks": (CLICKS, events.clicks)}


def envelopes(table: str, rows: int) -> list[bytes]:
    """``rows`` events as envelopes of PER_MESSAGE (distinct event ids)."""
    records = MAKERS[table][1](rows)
    return [encode_envelope(records[i : i + PER_MESSAGE]) for i in range(0, rows, PER_MESSAGE)]


def columns(table: str, rows: int) -> Columns:
    """The same events as the sink's columns, source columns included."""
    spec = MAKERS[table][0]
    records = [r for m in envelopes(table, rows) for r in spec.decode(m)]
    cols: Columns = dict(spec.to_columns(records))
    cols["src_topic"] = [f"bench.{table}"] * rows
    cols["src_partition"] = [0] * rows
    cols["src_offset"] = [i // PER_MESSAGE for i in range(rows)]
    return cols


def timed(seconds: float, rows: int, once: Callable[[], None]) -> float:
    """Rows per second of ``once`` (which writes ``rows`` rows), repeated for ``seconds``."""
    once()  # warm-up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        once()
        done += rows
    return done / (time.perf_counter() - start)


def sink_once(warehouse: Warehouse, spec: TableSpec, messages: list[bytes]) -> Callable[[], None]:
    topic = f"bench.{spec.table}"
    sink = BatchingSink(warehouse, {topic: spec}, flush_rows=10**6, flush_s=60)
    loop = asyncio.new_event_loop()  # one, as in the worker (not one per flush)
    next_offset = [0]

    def once() -> None:
        base = next_offset[0]
        for offset, value in enumerate(messages, start=base):
            sink.add(topic, 0, offset, value, now=0.0)
        next_offset[0] = base + len(messages)  # new offsets: a replay would be skipped
        if loop.run_until_complete(sink.flush()) != len(messages) * PER_MESSAGE:
            raise RuntimeError("the sink did not write every row")

    return once


def raw_driver(warehouse: Warehouse, table: str, cols: Columns) -> Callable[[], None]:
    client = warehouse._client  # type: ignore[attr-defined]  # the bare driver
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES"
    return lambda: client.execute(sql, list(cols.values()), columnar=True)


def raw_chdb(warehouse: Warehouse, table: str, cols: Columns) -> Callable[[], None]:
    schema = warehouse._schema(table, list(cols))  # type: ignore[attr-defined]  # looked up once
    conn, sql = warehouse._conn, f"INSERT INTO {table} ({', '.join(cols)})"  # type: ignore[attr-defined]

    def once() -> None:
        buf = io.BytesIO()
        with pa.ipc.new_stream(buf, schema) as writer:
            writer.write_table(pa.table(cols, schema=schema))
        inserter = conn.send_insert(sql, "ArrowStream")
        inserter.append(buf.getvalue())
        inserter.finish()

    return once


def compare(label: str, warehouse: Warehouse, args: argparse.Namespace) -> None:
    """Print sink and raw rows/s for each table on ``warehouse``: the two timed in turn,
    ``--rounds`` times, the best of each kept (the round least disturbed by other load)."""
    apply_schema(warehouse)
    raw = raw_driver if warehouse.backend == "server" else raw_chdb
    for table, (spec, _) in MAKERS.items():
        sink_run = sink_once(warehouse, spec, envelopes(table, args.batch))
        raw_run = raw(warehouse, table, columns(table, args.batch))
        sink = bare = 0.0
        for _ in range(args.rounds):
            sink = max(sink, timed(args.seconds, args.batch, sink_run))
            bare = max(bare, timed(args.seconds, args.batch, raw_run))
        verdict = "meets" if sink / bare >= TARGET else "BELOW"
        print(f"{label:24} {table:7} sink {sink:>9,.0f} rows/s   raw {bare:>9,.0f} rows/s"
              f"   sink/raw {sink / bare:.2f} ({verdict} the {TARGET:.2f} target)",
              flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="per figure and round")
    parser.add_argument("--rounds", type=int, default=4, help="sink and raw timed in turn")
    parser.add_argument("--batch", type=int, default=20_000, help="rows per insert")
    parser.add_argument("--dsn", help="a ClickHouse server; default: start Debian's")
    args = parser.parse_args()
    logging.getLogger("clickhouse_driver").setLevel(logging.CRITICAL)  # start-up retries
    print(f"python {platform.python_version()}, {args.batch:,} rows per insert")
    server = None if args.dsn else ClickHouseServer()
    try:
        if server is not None:
            server.start()
        remote = ServerWarehouse(args.dsn or server.dsn, f"bench_{uuid.uuid4().hex[:8]}")  # type: ignore[union-attr]
        compare(f"server {remote.query('SELECT version()')[0][0]}", remote, args)
        remote.execute(f"DROP DATABASE {remote.database}")
        remote.close()
    finally:
        if server is not None:
            server.remove()
    with tempfile.TemporaryDirectory() as tmp:
        local = ChdbWarehouse(Path(tmp), "bench")
        compare(f"chdb {local.query('SELECT version()')[0][0]}", local, args)
        local.close()


if __name__ == "__main__":
    main()
