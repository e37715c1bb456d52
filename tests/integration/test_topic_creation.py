"""warroom's clients never create a topic by sending to it (``warroom/streams/metadata.py``):
after the embedded broker lost its topics, a send waits for warroom to recreate them
with its own partition count instead of creating them with the broker's (tansu: 4)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import UnknownTopicOrPartitionError

import warroom.streams  # noqa: F401  # what every warroom process imports
from warroom.streams.admin import ensure_topics
from warroom.streams.watchdog import look

pytestmark = pytest.mark.integration


def partitions_of(bootstrap: str, topic: str) -> int | None:
    found = look(bootstrap, [topic])
    assert found is not None, "the broker answers"
    return found[topic][1] if topic in found else None


async def test_a_send_to_a_missing_topic_waits_for_warroom_to_create_it(broker: str) -> None:
    topic = f"t-missing-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=broker, request_timeout_ms=3_000)
    await producer.start()
    try:
        with pytest.raises(UnknownTopicOrPartitionError):  # after its 3 s: nothing sent
            await asyncio.wait_for(producer.send_and_wait(topic, b"early"), timeout=10)
        assert partitions_of(broker, topic) is None  # and not created by asking
        pending = asyncio.ensure_future(producer.send_and_wait(topic, b"waits", partition=1))
        await asyncio.sleep(0.5)
        await asyncio.to_thread(ensure_topics, broker, [topic], 2)  # as the broker watch
        sent = await asyncio.wait_for(pending, timeout=20)
    finally:
        await producer.stop()
    assert sent.partition == 1
    assert partitions_of(broker, topic) == 2  # warroom's count, not the broker's 4
