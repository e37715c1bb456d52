"""When warroom routed its events: the timestamps of the envelopes it wrote.

warroom's API answers only once its worker already runs, so ``/v1/stats`` first sees
an already busy worker. Every valid click and every order with a campaign becomes one
record on the campaign-activity topic, sent right after it is counted; the producer
stamps each envelope with the time it was sent. Those stamps time the ingest exactly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

#: Seconds without a new message after which the topic is taken as read to its end.
IDLE_S = 5.0


@dataclass(frozen=True)
class Envelope:
    at: float  # the producer's timestamp, seconds since the epoch
    records: int


async def _read(bootstrap: str, topic: str, expect: int) -> list[Envelope]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
    )
    await consumer.start()
    try:
        await consumer.topics()  # metadata for every topic
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        found: list[Envelope] = []
        records, idle = 0, 0.0
        while records < expect and idle < IDLE_S:
            batches = await consumer.getmany(timeout_ms=200)
            idle = 0.0 if batches else idle + 0.2
            for messages in batches.values():
                for m in messages:
                    found.append(Envelope(m.timestamp / 1000, len(orjson.loads(m.value or b"[]"))))
                    records += found[-1].records
        return sorted(found, key=lambda e: e.at)
    finally:
        await consumer.stop()


def envelopes_written(bootstrap: str, topic: str, expect: int, timeout: float) -> list[Envelope]:
    """The envelopes on ``topic`` (read from the start) until they hold ``expect`` records or
    nothing new comes for ``IDLE_S``, oldest first. TimeoutError after ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(_read(bootstrap, topic, expect), timeout))


def span(found: list[Envelope], expect: int) -> tuple[float, float, int]:
    """(first stamp, stamp of the envelope with the ``expect``-th record, records after the
    first envelope up to that one): the window the throughput is measured over."""
    total = 0
    for envelope in found:
        total += envelope.records
        if total >= expect:
            return found[0].at, envelope.at, min(total, expect) - found[0].records
    raise ValueError(f"only {total} records in the envelopes, not {expect}")
