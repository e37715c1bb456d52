"""The outbox relay: committed messages go to Kafka in commit order, however long the
broker is away. A message is marked sent only after the broker acknowledged it, so
delivery is at-least-once; consumers ignore what they have already applied."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy.exc import OperationalError

from warroom.store import outbox
from warroom.store.db import Store
from warroom.streams import stats

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, store: Store, bootstrap: str, poll_s: float = 0.5) -> None:
        self.store = store
        self.bootstrap = bootstrap
        self.poll_s = poll_s
        self.sent = 0
        self._producer: AIOKafkaProducer | None = None
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Send now rather than at the next poll; safe to call from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def resend_latest(self, topic: str) -> int:
        """Send each key's latest message on ``topic`` again, after those before it: a
        compacted topic that starts empty (the broker lost it) holds what it held before."""
        resent = await asyncio.to_thread(outbox.resend_latest, self.store, topic)
        if resent:
            log.warning("outbox relay: %s starts empty; sending its %d keys again", topic, resent)
            stats.count("outbox.resent", resent)
            self.kick()
        return resent

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._producer is not None:
            await self._producer.stop()

    async def _run(self) -> None:
        while True:
            try:
                await self.flush()
            except (KafkaError, OSError) as exc:
                log.warning("outbox relay: broker unavailable (%r); will retry", exc)
                await self._drop_producer()
            except OperationalError as exc:  # the store is locked or down: a message sent
                # but not marked is sent again (at-least-once; every reader is idempotent)
                log.warning("outbox relay: SQL store unavailable (%s); will retry", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)
            self._wake.clear()

    async def _ready(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap, acks="all", request_timeout_ms=5000
            )
            try:
                await producer.start()
            except BaseException:
                await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _drop_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(KafkaError, OSError):
                await producer.stop()

    async def flush(self) -> int:
        """Send every unsent message, oldest first; returns how many were sent."""
        rows = await asyncio.to_thread(outbox.unsent, self.store)
        if not rows:
            return 0
        producer = await self._ready()
        for row in rows:  # one by one, in order: a failure leaves the rest for the retry
            await producer.send_and_wait(row.topic, row.payload.encode(), key=row.key.encode())
            await asyncio.to_thread(outbox.mark_sent, self.store, [row.id])
            self.sent += 1
        return len(rows)
