"""Re-read a range of one partition without a consumer group, and read what a group
committed (state recovery)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

#: How long a replay may take before it gives up on the rest.
DEADLINE_S = 60.0
#: A replay to the end stops after this long without a new message.
QUIET_MS = 500


async def read_range(
    bootstrap: str, topic: str, partition: int, start: int, end: int | None
) -> tuple[list[bytes], int]:
    """The values of ``topic[partition]`` from ``start`` to before ``end`` (None: to the
    last message there is), and the offset after the last one read."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, start)
        return await _read(consumer, tp, start, end)
    finally:
        await consumer.stop()


async def committed_offsets(
    bootstrap: str, group: str, topic: str, partitions: Sequence[int]
) -> dict[int, int | None]:
    """The offsets ``group`` committed on ``topic``'s ``partitions`` (None: none yet): where
    the partitions' previous owner stopped, and where the group's next owner begins."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        found = await admin.list_consumer_group_offsets(group, partitions=tps)
    finally:
        await admin.close()
    offsets = {tp.partition: meta.offset for tp, meta in found.items() if tp.topic == topic}
    return {p: offsets[p] if offsets.get(p, -1) >= 0 else None for p in partitions}


async def _read(
    consumer: AIOKafkaConsumer, tp: TopicPartition, start: int, end: int | None
) -> tuple[list[bytes], int]:
    """Read to ``end``; without one, to the high watermark the first fetch reports (what
    the partition held when the replay began: messages arriving meanwhile are left to
    the agent, which would otherwise see them twice)."""
    values: list[bytes] = []
    deadline = time.monotonic() + DEADLINE_S
    after = start
    while (end is None or after < end) and time.monotonic() < deadline:
        batch = (await consumer.getmany(tp, timeout_ms=QUIET_MS, max_records=10_000)).get(tp, [])
        if end is None:
            end = consumer.highwater(tp)
            if end is None and not batch:
                break
        for message in batch:
            if end is not None and message.offset >= end:
                return values, after
            if message.value is not None:
                values.append(message.value)
            after = message.offset + 1
        if not batch and end is not None and after >= end:
            break
    return values, after
