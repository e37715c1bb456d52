"""Replays do not duplicate rows in query results, and offsets that start over
(a new embedded broker) are not mistaken for replays."""

from __future__ import annotations

import asyncio

from tests.warehouse import events
from tests.warehouse.writes import TOPIC, add, new_sink
from warroom.store.warehouse import Warehouse

TP = (TOPIC["clicks"], 0)
TOTALS = "SELECT sum(impressions), sum(plays), sum(clicks), sum(cost) FROM campaign_minute"


async def test_a_replay_after_a_crash_is_not_written_again(warehouse: Warehouse) -> None:
    first = new_sink(warehouse)
    first.assigned(TP, committed=None)
    add(first, "clicks", events.clicks(1000), offset=0)  # offsets 0..19
    await first.flush()
    totals = await warehouse.aquery(TOTALS)
    # The crash came before the commit of offsets 10..19: the next owner reads them again,
    # followed by new messages.
    second = new_sink(warehouse)
    second.assigned(TP, committed=10)
    replay = events.clicks(1000)[500:] + events.clicks(100, start=1000)
    add(second, "clicks", replay, offset=10)
    assert await second.flush() == 100
    assert await warehouse.aquery("SELECT count() FROM clicks") == [(1100,)]
    after = await warehouse.aquery(TOTALS)
    assert after[0][0] == totals[0][0] + 50  # the rollup counted each impression once


async def test_a_resent_event_counts_once_in_raw_queries(warehouse: Warehouse) -> None:
    sink = new_sink(warehouse)
    add(sink, "orders", events.orders(20), offset=0)
    add(sink, "orders", events.orders(20)[:5], offset=100)  # the platform sent 5 again
    await sink.flush()
    rows = await warehouse.aquery("SELECT count(), uniqExact(event_id) FROM orders FINAL")
    assert rows == [(20, 20)]


async def test_offsets_that_start_over_are_not_taken_for_a_replay(warehouse: Warehouse) -> None:
    before = new_sink(warehouse)
    before.assigned(TP, committed=None)
    add(before, "clicks", events.clicks(500), offset=0)
    await before.flush()
    # A new embedded broker: same topic name, offsets from 0 again, no committed offset.
    after = new_sink(warehouse)
    after.assigned(TP, committed=None)
    add(after, "clicks", events.clicks(200, start=500), offset=0)
    assert await after.flush() == 200
    assert await warehouse.aquery("SELECT count() FROM clicks FINAL") == [(700,)]


async def test_messages_that_arrive_during_a_flush_wait_for_the_next(warehouse: Warehouse) -> None:
    sink = new_sink(warehouse)
    add(sink, "clicks", events.clicks(300), offset=0)
    flushing = asyncio.create_task(sink.flush())
    await asyncio.sleep(0)  # the flush has taken its batch and waits on the warehouse
    add(sink, "clicks", events.clicks(200, start=300), offset=6)
    assert await flushing == 300
    assert sink.rows == 200
    assert await sink.flush() == 200
    assert await warehouse.aquery("SELECT count() FROM clicks FINAL") == [(500,)]
