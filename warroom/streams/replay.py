"""Re-read a range of one partition without a consumer group (state recovery)."""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, TopicPartition

#: How long a replay may take before it gives up on the rest.
DEADLINE_S = 60.0


async def read_range(
    bootstrap: str, topic: str, partition: int, start: int, end: int
) -> list[bytes]:
    """The values of ``topic[partition]`` at offsets ``start`` .. ``end - 1``."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, start)
        return await _read(consumer, tp, end)
    finally:
        await consumer.stop()


async def _read(consumer: AIOKafkaConsumer, tp: TopicPartition, end: int) -> list[bytes]:
    values: list[bytes] = []
    deadline = time.monotonic() + DEADLINE_S
    position = await consumer.position(tp)
    while position < end and time.monotonic() < deadline:
        batches = await consumer.getmany(tp, timeout_ms=500, max_records=10_000)
        for message in batches.get(tp, []):
            if message.offset >= end:
                return values
            if message.value is not None:
                values.append(message.value)
        position = await consumer.position(tp)
    return values
