"""Read every partition of some topics without a consumer group.

Each API process needs all verdicts and all campaign snapshots, not a share of
them, so it assigns itself every partition instead of joining the workers' group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable, Collection, Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

Handler = Callable[[str, bytes], None]
#: How long ``start`` waits for a broker that does not answer before it gives up.
START_WAIT_S = 30.0
#: The tails running in this process (the broker watch restarts them on new logs).
_running: weakref.WeakSet[TopicTail] = weakref.WeakSet()


async def restart_tails(renewed: Collection[str]) -> None:
    """Restart every running tail that reads one of the ``renewed`` topics (recreated after
    the broker lost them): the worker's control tail as much as the API's."""
    for tail in list(_running):
        if set(tail.topics) & set(renewed):
            await tail.restart()


#: Where a tail reads one topic: its handler, and how many messages before the end of
#: each partition it starts (None: from the beginning).
Route = tuple[Handler, int | None]


class TopicTail:
    """Calls each topic's handler ``(topic, value)`` for every message of ``routes``, from
    its backlog. One consumer for all of them: every consumer fetches 20 times a second
    even when nothing comes, so a process keeps few."""

    def __init__(self, bootstrap: str, routes: Mapping[str, Route], fetch_wait_ms: int = 50):
        self.topics = list(routes)
        self.handlers = {topic: handler for topic, (handler, _) in routes.items()}
        self.backlogs = {topic: backlog for topic, (_, backlog) in routes.items()}
        self.bootstrap, self.fetch_wait_ms = bootstrap, fetch_wait_ms
        self._consumer = self._new_consumer()
        self._task: asyncio.Task[None] | None = None

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=self.fetch_wait_ms,
            auto_offset_reset="earliest",
        )

    async def start(self) -> None:
        """Start reading; waits up to ``START_WAIT_S`` for a broker that does not answer
        (one restarting while a worker starts), then raises."""
        deadline = time.monotonic() + START_WAIT_S
        while True:
            try:
                await self._consumer.start()
                await self._position()
                break
            except KafkaError as exc:
                if time.monotonic() > deadline:
                    raise
                log.warning("tail of %s: %r; retrying", self.topics, exc)
                await self._consumer.stop()
                self._consumer = self._new_consumer()
                await asyncio.sleep(1)
        self._task = asyncio.create_task(self._run(), name=f"tail:{','.join(self.topics)}")
        _running.add(self)

    async def restart(self) -> None:
        """Read the topics again as from the start, on their new logs: after the broker
        lost them and they were recreated, the old positions are past the new logs' ends,
        where a fetch waits (no out-of-range error on tansu) until the new log gets there."""
        await self._position()
        log.warning("tail of %s: restarted on the topics' new logs", self.topics)

    async def _position(self) -> None:
        await self._consumer.topics()  # fetches metadata for every topic
        tps = [
            TopicPartition(topic, p)
            for topic in self.topics
            for p in sorted(self._consumer.partitions_for_topic(topic) or ())
        ]
        # the offsets first, then assign and seek with no await in between: a fetch of
        # the running loop in between would read from the reset position (the earliest)
        from_start = [tp for tp in tps if self.backlogs[tp.topic] is None]
        from_end = [tp for tp in tps if self.backlogs[tp.topic] is not None]
        starts = await self._consumer.beginning_offsets(from_start) if from_start else {}
        ends = await self._consumer.end_offsets(from_end) if from_end else {}
        self._consumer.assign(tps)
        for tp in from_start:
            self._consumer.seek(tp, starts[tp])
        for tp in from_end:
            backlog = self.backlogs[tp.topic] or 0  # not None: from_end
            self._consumer.seek(tp, max(0, ends[tp] - backlog))

    async def _run(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500)
            except KafkaError as exc:
                log.warning("tail of %s: %r; retrying", self.topics, exc)
                await asyncio.sleep(1)
                continue
            for tp, messages in batches.items():
                handler = self.handlers[tp.topic]
                for msg in messages:
                    if msg.value is not None:
                        try:
                            handler(tp.topic, msg.value)
                        except Exception:
                            log.exception(
                                "tail of %s: bad message at %s@%d", tp.topic, tp, msg.offset
                            )

    async def stop(self) -> None:
        _running.discard(self)
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
