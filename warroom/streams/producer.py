"""The ingest producer: validated events to their input topic, one envelope per partition."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from warroom.errors import BrokerError
from warroom.schemas.events import Event
from warroom.streams.codecs import encode_envelopes
from warroom.streams.partitioning import group_by_partition
from warroom.streams.routing import input_key
from warroom.streams.topics import INPUTS


class IngestProducer:
    """Owns one aiokafka producer; ``send`` returns once the broker has the events."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=2)
        self._partitions: dict[str, int] = {}

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def _partition_count(self, topic: str) -> int:
        if topic not in self._partitions:
            parts = await self._producer.partitions_for(topic)
            self._partitions[topic] = len(parts)
        return self._partitions[topic]

    async def send(self, kind: str, events: Sequence[Event]) -> int:
        """Send ``events`` of ``kind``; returns the number of messages written."""
        topic = INPUTS[kind].get_topic_name()
        try:
            n = await self._partition_count(topic)
            groups = group_by_partition(events, lambda e: input_key(kind, e), n)
            sends = [
                self._producer.send_and_wait(topic, envelope, partition=p)
                for p, group in groups.items()
                for envelope in encode_envelopes(group)
            ]
            await asyncio.gather(*sends)
        except KafkaError as exc:
            raise BrokerError(f"could not write to {topic}: {exc!r}") from exc
        return len(sends)
