"""The sink on the real broker: events in, rows in the warehouse, in a few large
inserts; and a ClickHouse outage loses nothing and duplicates nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence

import pytest
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from tests.warehouse import events
from tests.warehouse.clickhouse import ClickHouseServer
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.consumer import SinkConsumer
from warroom.store.warehouse.rows import CLICKS, ORDERS
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams.admin import ensure_topics
from warroom.streams.codecs import encode_envelope

pytestmark = pytest.mark.integration


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.1)


async def count(warehouse: Warehouse, table: str) -> int:
    rows = await warehouse.aquery(f"SELECT count() FROM {table} FINAL")
    return int(rows[0][0])


class Feed:
    """Fresh topics on the broker, a producer of envelopes, and a running sink."""

    def __init__(self, broker: str, warehouse: Warehouse) -> None:
        run = f"t{uuid.uuid4().hex[:8]}"
        self.clicks, self.orders = f"{run}.clicks", f"{run}.orders"
        ensure_topics(broker, [self.clicks, self.orders], 2, [])
        self.producer = AIOKafkaProducer(bootstrap_servers=broker)
        routes = {self.clicks: CLICKS, self.orders: ORDERS}
        self.sink = BatchingSink(warehouse, routes, flush_rows=20_000, flush_s=0.3)
        self.consumer = SinkConsumer(broker, f"{run}.warehouse", self.sink)

    async def send(self, topic: str, records: Sequence[BaseModel], per_message: int = 100) -> None:
        for i in range(0, len(records), per_message):
            envelope = encode_envelope(records[i : i + per_message])
            await self.producer.send(topic, envelope, partition=(i // per_message) % 2)
        await self.producer.flush()


@pytest.fixture
async def feed(broker: str, warehouse: Warehouse) -> AsyncIterator[Feed]:
    f = Feed(broker, warehouse)
    await f.producer.start()
    await f.consumer.start()
    yield f
    await f.consumer.stop()
    await f.producer.stop()


async def test_events_in_rows_in_a_few_large_inserts(feed: Feed, warehouse: Warehouse) -> None:
    await feed.send(feed.clicks, events.clicks(20_000))
    await feed.send(feed.orders, events.orders(3_000))
    await until(lambda: _counts_are(warehouse, clicks=20_000, orders=3_000))
    inserts = await warehouse.aquery(
        "SELECT count() FROM system.parts WHERE database = currentDatabase()"
        " AND table = 'clicks' AND level = 0"
    )
    assert inserts[0][0] <= 10  # 20,000 rows: a handful of inserts, not one per event
    totals = await warehouse.aquery("SELECT sum(impressions), sum(orders) FROM campaign_minute")
    assert totals == [(10_000, 3_000)]


async def _counts_are(warehouse: Warehouse, clicks: int, orders: int) -> bool:
    return (await count(warehouse, "clicks"), await count(warehouse, "orders")) == (clicks, orders)


@pytest.fixture
def own_server() -> Iterator[ClickHouseServer]:
    server = ClickHouseServer()
    server.start()
    yield server
    server.remove()


async def test_an_outage_loses_nothing(broker: str, own_server: ClickHouseServer) -> None:
    warehouse = ServerWarehouse(own_server.dsn, "outage")
    apply_schema(warehouse)
    feed = Feed(broker, warehouse)
    await feed.producer.start()
    await feed.consumer.start()
    try:
        await feed.send(feed.clicks, events.clicks(2_000))
        await until(lambda: _counts_are(warehouse, clicks=2_000, orders=0))
        own_server.stop()
        await feed.send(feed.clicks, events.clicks(3_000, start=2_000))  # events keep coming
        await feed.send(feed.orders, events.orders(1_000))
        await until(lambda: _paused(feed))
        own_server.start()
        await until(lambda: _counts_are(warehouse, clicks=5_000, orders=1_000), timeout=60)
        raw = await warehouse.aquery("SELECT count() FROM clicks")  # without FINAL
        totals = await warehouse.aquery("SELECT sum(impressions), sum(orders) FROM campaign_minute")
        assert (raw, totals) == ([(5_000,)], [(2_500, 1_000)])
    finally:
        await feed.consumer.stop()
        await feed.producer.stop()
        warehouse.close()


async def _paused(feed: Feed) -> bool:
    return not feed.consumer.healthy
