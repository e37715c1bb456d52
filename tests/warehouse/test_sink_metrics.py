"""The sink's Prometheus metrics on both backends: rows per insert, and failed inserts."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY

from tests.warehouse import events
from warroom.store.warehouse import Warehouse, WarehouseError
from warroom.store.warehouse.consumer import SinkConsumer
from warroom.store.warehouse.rows import ORDERS
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams.admin import ensure_topics
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


async def run_sink(
    broker: str, warehouse: Warehouse, table: str, check: Callable[[str], bool]
) -> str:
    """Two envelopes of orders (one per partition) through a SinkConsumer writing to
    ``table``, until ``check(topic)``; the topic."""
    run = f"t{uuid.uuid4().hex[:8]}"
    topic = f"{run}.orders"
    ensure_topics(broker, [topic], 2, [])
    spec = dataclasses.replace(ORDERS, table=table)
    sink = BatchingSink(warehouse, {topic: spec}, flush_rows=20_000, flush_s=0.2)
    consumer = SinkConsumer(broker, f"{run}.warehouse", sink)
    producer = AIOKafkaProducer(bootstrap_servers=broker)
    await producer.start()
    for partition in (0, 1):
        await producer.send_and_wait(topic, encode_envelope(events.orders(10)), partition=partition)
    await consumer.start()
    try:
        deadline = time.monotonic() + 30
        while not check(topic):
            assert time.monotonic() < deadline, "the sink's metrics never said so"
            await asyncio.sleep(0.1)
    finally:
        await consumer.stop()
        await producer.stop()
    return topic


def lag(topic: str, partition: int) -> float | None:
    return REGISTRY.get_sample_value(
        "warroom_sink_lag", {"topic": topic, "partition": str(partition)}
    )


async def test_the_sink_reports_its_lag(broker: str, warehouse: Warehouse) -> None:
    """Read to the end of both partitions: lag 0 on each."""
    await run_sink(broker, warehouse, "orders", lambda t: lag(t, 0) == 0 and lag(t, 1) == 0)


async def test_the_sink_reports_a_pause(broker: str, warehouse: Warehouse) -> None:
    """ClickHouse refusing the insert: ``warroom_sink_paused`` is 1 until one goes through."""
    await run_sink(
        broker,
        warehouse,
        "no_such_table",
        lambda t: REGISTRY.get_sample_value("warroom_sink_paused") == 1,
    )
    await run_sink(
        broker, warehouse, "orders", lambda t: REGISTRY.get_sample_value("warroom_sink_paused") == 0
    )
