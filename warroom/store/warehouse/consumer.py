"""The sink's own Kafka consumer: poll, buffer, flush when due, commit what is written.

It is not a Faust agent on purpose. Faust hands a message to every agent of its topic
in turn, so a sink that waits on ClickHouse would stall the decision agents reading
the same topics; this consumer has its own group (``<app id>.warehouse``) and its own
pace. While a flush fails it pauses its partitions (still polling, so the group keeps
it) and retries with a growing pause; nothing is committed that is not written, so a
crash or an outage loses nothing: Kafka holds what the sink has not taken yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

from warroom.observability import metrics
from warroom.store.warehouse.base import WarehouseError
from warroom.store.warehouse.sink import BatchingSink

log = logging.getLogger(__name__)
BACKOFF_S = (0.2, 5.0)
#: Decode about this much between two yields to the event loop (~10 ms of work).
YIELD_BYTES = 512 * 1024
#: How long stopping waits for a flush under way, and then for the last one.
STOP_WAIT_S = 10.0
#: A fetch of the sink's topics waits for this much data, or this long.
FETCH_MIN_BYTES, FETCH_WAIT_MS = 1 << 20, 500


class SinkConsumer(ConsumerRebalanceListener):
    """Feeds ``sink`` from its topics in group ``group_id``, flushing and committing."""

    def __init__(
        self, bootstrap: str, group_id: str, sink: BatchingSink, session_timeout_s: float = 6.0
    ) -> None:
        self.sink = sink
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # History needs no fetch the moment a message lands: the broker answers once
            # it holds a megabyte for the sink, or after half a second (a flush waits up
            # to ``sink_flush_s`` anyway). With one byte and 100 ms, the sink's fetches
            # cost 4-5% of a core more at 200 events/s (measured, session 10).
            fetch_max_wait_ms=FETCH_WAIT_MS,
            fetch_min_bytes=FETCH_MIN_BYTES,
            max_poll_records=1000,
            session_timeout_ms=int(session_timeout_s * 1000),
            heartbeat_interval_ms=int(session_timeout_s * 1000 / 3),
        )
        self.backoff = BACKOFF_S[0]
        self.healthy = True
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._stopping = False

    async def start(self) -> None:
        await self.consumer.start()
        self.consumer.subscribe(list(self.sink.routes), listener=self)
        self._task = asyncio.create_task(self._run(), name="warehouse-sink")

    async def stop(self) -> None:
        """Flush what is buffered (one try), commit it, and leave the group. A flush under
        way is let finish (up to STOP_WAIT_S): cut short, its insert could land unrecorded
        and be written again."""
        self._stopping = True
        if self._task is not None:
            if not self._lock.locked():
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, STOP_WAIT_S)
        with contextlib.suppress(WarehouseError, KafkaError, TimeoutError):
            await asyncio.wait_for(self.flush_and_commit(), STOP_WAIT_S)
        await self.consumer.stop()

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        with contextlib.suppress(WarehouseError, KafkaError):
            await self.flush_and_commit()
        for tp in revoked:
            self.sink.revoked((tp.topic, tp.partition))

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        for tp in assigned:
            committed = await self.consumer.committed(tp)
            self.sink.assigned((tp.topic, tp.partition), committed)
        if not self.healthy:
            self.consumer.pause(*assigned)

    async def flush_and_commit(self) -> int:
        """Flush the sink and commit what it wrote; the rows written. One at a time: a
        rebalance flushes from aiokafka's task while the loop may be flushing."""
        async with self._lock:
            try:
                return await self.sink.flush()
            finally:
                offsets = self.sink.take_committable()
                if offsets:
                    await self.consumer.commit(
                        {TopicPartition(*tp): o for tp, o in offsets.items()}
                    )

    async def _run(self) -> None:
        while not self._stopping:
            if self.sink.due(time.monotonic()) and not await self._try_flush():
                await self._poll(int(self.backoff * 1000))  # paused: keeps the group only
                continue
            await self._poll(200)

    async def _try_flush(self) -> bool:
        try:
            await self.flush_and_commit()
        except (WarehouseError, KafkaError) as exc:
            if self.healthy:
                log.warning("warehouse sink paused: %s", exc)
            self.healthy = False
            metrics.sink_paused(True)
            self.consumer.pause(*self.consumer.assignment())
            self.backoff = min(self.backoff * 2, BACKOFF_S[1])
            return False
        if not self.healthy:
            log.warning("warehouse sink resumed")
            self.consumer.resume(*self.consumer.assignment())
        self.healthy, self.backoff = True, BACKOFF_S[0]
        metrics.sink_paused(False)
        return True

    async def _poll(self, timeout_ms: int) -> None:
        try:
            batches = await self.consumer.getmany(timeout_ms=timeout_ms)
        except KafkaError as exc:
            log.warning("warehouse sink: %r; retrying", exc)
            await asyncio.sleep(1)
            return
        now, since_yield = time.monotonic(), 0
        for tp, messages in batches.items():
            for m in messages:
                self.sink.add(tp.topic, tp.partition, m.offset, m.value or b"", now)
                since_yield += len(m.value or b"")
                if since_yield >= YIELD_BYTES:  # decoding is CPU: let the agents run
                    await asyncio.sleep(0)
                    since_yield = 0
            metrics.sink_lag(
                tp.topic, tp.partition, self.consumer.highwater(tp), messages[-1].offset
            )
