"""``TopicTail``: one consumer reads several topics, each from its own starting point
(from the beginning, the last N messages, or only what comes next) and into its own
handler; a restart on new logs reads them again the same way. On the real broker."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaProducer

from warroom.streams.admin import ensure_topics
from warroom.streams.tail import TopicTail

pytestmark = pytest.mark.integration


async def until(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def test_one_consumer_reads_each_topic_from_its_own_start(broker: str) -> None:
    run = uuid.uuid4().hex[:8]
    every, last, new = (f"t-tail-{kind}-{run}" for kind in ("every", "last", "new"))
    await asyncio.to_thread(ensure_topics, broker, [every, last, new], 1)
    producer = AIOKafkaProducer(bootstrap_servers=broker)
    await producer.start()
    seen: dict[str, list[bytes]] = {every: [], last: [], new: []}
    try:
        for topic in (every, last, new):
            for n in range(3):
                await producer.send_and_wait(topic, f"old{n}".encode(), partition=0)
        tail = TopicTail(
            broker,
            {
                every: (lambda t, raw: seen[every].append(raw), None),
                last: (lambda t, raw: seen[last].append(raw), 1),
                new: (lambda t, raw: seen[new].append(raw), 0),
            },
        )
        assert tail.topics == [every, last, new]
        await tail.start()
        try:
            for topic in (every, last, new):
                await producer.send_and_wait(topic, b"fresh", partition=0)
            await until(lambda: all(raws and raws[-1] == b"fresh" for raws in seen.values()))
            assert seen == {
                every: [b"old0", b"old1", b"old2", b"fresh"],
                last: [b"old2", b"fresh"],
                new: [b"fresh"],
            }
            for raws in seen.values():
                raws.clear()
            await tail.restart()  # as after the broker lost the topics: positions again
            await until(lambda: len(seen[every]) == 4 and len(seen[last]) == 1)
            assert seen[every] == [b"old0", b"old1", b"old2", b"fresh"]
            assert seen[last] == [b"fresh"] and seen[new] == []
        finally:
            await tail.stop()
    finally:
        await producer.stop()
