"""``warroom.streams.batches`` on a real Faust stream (``agent.test_context()``, no broker):
a lone event is handed over ``within`` after it arrived, a full batch at once, nothing is
handed over while nothing arrives, and every event is acknowledged once its batch ran."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import faust
import pytest

from warroom.streams.batches import batches, value_batches

#: test_context() never connects: the broker is only named.
app = faust.App("test-batches", broker="kafka://127.0.0.1:9", store="memory://")
MAX, WITHIN = 3, 0.2
#: Each batch as (seconds since the test's clock started, the values in it).
seen: list[tuple[float, list[Any]]] = []
acked_after: list[int] = []
#: The messages of every batch handed over, to look at their acks afterwards.
messages: list[Any] = []
clock = [0.0]


@app.agent()
async def collect(stream: faust.StreamT[Any]) -> AsyncIterator[None]:
    async for batch in batches(stream, MAX, WITHIN):
        seen.append((time.monotonic() - clock[0], [e.value for e in batch]))
        acked_after.append(sum(e.message.acked for e in batch))
        messages.extend(e.message for e in batch)
        yield None


@app.agent()
async def collect_values(stream: faust.StreamT[Any]) -> AsyncIterator[None]:
    async for values in value_batches(stream, MAX, WITHIN):
        seen.append((time.monotonic() - clock[0], values))
        yield None


async def until(check: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)


@pytest.fixture(autouse=True)
def fresh() -> None:
    seen.clear()
    acked_after.clear()
    messages.clear()
    clock[0] = time.monotonic()


async def test_a_lone_event_waits_within_then_goes_alone() -> None:
    async with collect.test_context() as agent:
        clock[0] = time.monotonic()
        await agent.put("a", wait=False)
        await until(lambda: bool(seen))
    (at, values), *rest = seen
    assert values == ["a"] and not rest
    assert WITHIN * 0.9 <= at < WITHIN + 0.5


async def test_a_full_batch_goes_at_once_and_the_rest_waits() -> None:
    async with collect.test_context() as agent:
        clock[0] = time.monotonic()
        for value in "abcd":
            await agent.put(value, wait=False)
        await until(lambda: len(seen) == 2)
    assert [values for _, values in seen] == [["a", "b", "c"], ["d"]]
    assert seen[0][0] < WITHIN * 0.5  # full: not held for ``within``
    assert seen[1][0] >= WITHIN * 0.9


async def test_nothing_is_handed_over_while_nothing_arrives() -> None:
    async with collect.test_context() as agent:
        await asyncio.sleep(WITHIN * 3)
        assert seen == []
        await agent.put("late", wait=False)
        await until(lambda: bool(seen))
    assert [values for _, values in seen] == [["late"]]


async def test_events_are_acknowledged_only_after_their_batch_ran() -> None:
    async with collect.test_context() as agent:
        for value in "abc":
            await agent.put(value, wait=False)
        await until(lambda: len(messages) == 3 and all(m.acked for m in messages))
    assert acked_after == [0]  # none while the agent's code ran
    assert [m.acked for m in messages] == [True] * 3


async def test_value_batches_hands_over_the_values() -> None:
    async with collect_values.test_context() as agent:
        for value in "ab":
            await agent.put(value, wait=False)
        await until(lambda: bool(seen))
    assert [values for _, values in seen] == [["a", "b"]]
