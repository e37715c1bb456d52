"""The sink's Prometheus metrics on both backends: rows per insert, and failed inserts."""

from __future__ import annotations

import dataclasses
import time

import pytest
from prometheus_client import REGISTRY

from tests.warehouse import events
from warroom.store.warehouse import Warehouse, WarehouseError
from warroom.store.warehouse.rows import ORDERS
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams.codecs import encode_envelope


def sample(name: str, table: str) -> float:
    return REGISTRY.get_sample_value(name, {"table": table}) or 0.0


async def test_each_insert_is_observed_with_its_rows(warehouse: Warehouse) -> None:
    sink = BatchingSink(warehouse, {"orders-by-shop": ORDERS}, flush_rows=10_000, flush_s=1)
    count, total = (sample(f"warroom_sink_batch_rows_{s}", "orders") for s in ("count", "sum"))
    for offset in range(3):  # three messages of 40 orders: one insert of 120 rows
        batch = events.orders(40, start=offset * 40)
        sink.add("orders-by-shop", 0, offset, encode_envelope(batch), time.time())
    sink.committed[("orders-by-shop", 0)] = None

    assert await sink.flush() == 120

    assert sample("warroom_sink_batch_rows_count", "orders") == count + 1
    assert sample("warroom_sink_batch_rows_sum", "orders") == total + 120


async def test_a_failed_insert_is_counted_and_its_rows_kept(warehouse: Warehouse) -> None:
    missing = dataclasses.replace(ORDERS, table="no_such_table")
    sink = BatchingSink(warehouse, {"orders-by-shop": missing}, flush_rows=10_000, flush_s=1)
    before = sample("warroom_sink_flush_failures_total", "no_such_table")
    sink.add("orders-by-shop", 0, 0, encode_envelope(events.orders(5)), time.time())

    with pytest.raises(WarehouseError):
        await sink.flush()

    assert sample("warroom_sink_flush_failures_total", "no_such_table") == before + 1
    assert sink.rows == 5  # kept for the next flush
