"""The broker watch: notices the broker going away and coming back, recreates the topics
it lost, and tells the process which topics now have a new log.

Apache Kafka keeps topics and offsets across a restart: the watch then only sees the
broker go and come back. The embedded tansu broker keeps them in memory: after a restart
every topic is gone, and a producer's first send would auto-create it with tansu's
default partition count. The watch looks every ``interval_s`` (one metadata request),
recreates the missing topics with ``topics.ensure_all`` as soon as the broker answers,
and calls ``on_new_logs`` with the topics whose id changed (recreated, by this process
or another): the worker makes its consumer rejoin at once, the API restarts its tails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from mode import Service

from warroom.errors import BrokerError
from warroom.schemas.events import Event
from warroom.streams import stats, topic_logs, topics
from warroom.streams.producer import IngestProducer

log = logging.getLogger(__name__)

#: How long the API waits for the broker to take ingested events before answering 503
#: (aiokafka would wait its request timeout, 40 s).
SEND_TIMEOUT_S = 5.0
NewLogs = Callable[[list[str]], Awaitable[None]]
#: Topic name -> (topic id or None, partition count); None: the broker did not answer.
Found = dict[str, tuple[str | None, int]]


#: How often the watch looks (a look costs ~13 ms of CPU: list + describe ~40 topics);
#: a producer or a rebalance makes it look at once when it needs to know.
LOOK_EVERY_S = 1.0
#: A look gives up within seconds: kafka-python's defaults wait 30 s for a broker that
#: went away between the TCP check and the request, backing off up to 30 s between tries.
LOOK_LIMITS = {
    "request_timeout_ms": 3000,
    "bootstrap_timeout_ms": 2000,
    "reconnect_backoff_max_ms": 500,
}


def reachable(bootstrap: str, timeout: float = 0.5) -> bool:
    """Whether any bootstrap address accepts a TCP connection (kafka-python's admin
    client waits 30 s for a broker that is not there; this answers at once)."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        with contextlib.suppress(OSError, ValueError):
            socket.create_connection((host, int(port)), timeout=timeout).close()
            return True
    return False


def look(bootstrap: str, names: Sequence[str]) -> Found | None:
    """The id and partition count of each of ``names`` on the broker (missing topics left
    out); None when the broker does not answer. Blocking: run it in a thread."""
    if not reachable(bootstrap):
        return None
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, **LOOK_LIMITS)
    except (KafkaError, OSError):
        return None
    try:
        present = set(admin.list_topics()) & set(names)
        described = admin.describe_topics(sorted(present)) if present else []
        return {t["name"]: (t.get("topic_id"), len(t["partitions"])) for t in described}
    except (KafkaError, OSError):
        return None
    finally:
        admin.close()


def observe_now(bootstrap: str) -> None:
    """Record the topics' ids now (blocking), before any agent restores a partition: a
    checkpoint is saved with the id of its log, which must be known from the start."""
    found = look(bootstrap, topics.all_names())
    if found is not None:
        topic_logs.LOGS.observe({name: tid for name, (tid, _) in found.items()})


class BrokerWatch:
    """Looks at the broker every ``interval_s`` until stopped (see the module)."""

    def __init__(
        self,
        bootstrap: str,
        partitions: int,
        on_new_logs: Sequence[NewLogs] = (),
        interval_s: float = LOOK_EVERY_S,
    ) -> None:
        self.bootstrap, self.partitions, self.interval_s = bootstrap, partitions, interval_s
        self.on_new_logs = list(on_new_logs)
        self.names = topics.all_names()
        #: The broker did not answer the last look.
        self.lost = False
        self._lost_at = 0.0
        self._looked_at = 0.0
        self._look: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._mismatched: set[str] = set()
        #: The ids as this watch saw them (its callbacks fire once per change it sees,
        #: even when another watch in the process saw the change first), from those the
        #: process saw before it (``observe_now``): a change in between is one too.
        self.logs = topic_logs.TopicLogs()
        self.logs.observe(topic_logs.LOGS.ids())

    async def start(self) -> None:
        await self.refresh()
        topic_logs.watched_by(self.refresh)
        self._task = asyncio.create_task(self._run(), name="broker-watch")

    async def stop(self) -> None:
        topic_logs.unwatched(self.refresh)
        for task in (self._task, self._look):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self.refresh(max_age_s=self.interval_s / 2)
            except Exception:  # never let the watch die: the next look may work
                log.exception("broker watch: look failed")

    async def refresh(self, max_age_s: float = 0.2) -> None:
        """Look at the broker now, unless a look finished less than ``max_age_s`` ago;
        callers at the same time share one look."""
        if self._look is None or self._look.done():
            if time.monotonic() - self._looked_at < max_age_s:
                return
            self._look = asyncio.create_task(self._check())
        await asyncio.shield(self._look)

    async def ready(self) -> None:
        """Return once the broker answers and has every topic; raise ``BrokerError`` at once
        while it does not (a producer calls this before sending)."""
        if self.lost:
            try:
                await self.refresh()
            except Exception as exc:  # a look that failed in an unexpected way: still away
                raise BrokerError(f"the broker at {self.bootstrap} is not answering") from exc
        if self.lost:
            raise BrokerError(f"the broker at {self.bootstrap} is not answering; retry later")

    async def _check(self) -> None:
        try:
            found = await asyncio.to_thread(look, self.bootstrap, self.names)
            if found is not None and len(found) < len(self.names):
                found = await self._recreate(found)
        finally:
            self._looked_at = time.monotonic()
        if found is None:
            self._went_away()
            return
        self._came_back()
        self._check_partitions(found)
        ids = {name: tid for name, (tid, _) in found.items()}
        topic_logs.LOGS.observe(ids)
        renewed = self.logs.observe(ids)
        if renewed:
            log.warning("broker watch: %d topics have a new log (recreated)", len(renewed))
            stats.count("broker.new_logs", len(renewed))
            for callback in self.on_new_logs:
                try:
                    await callback(renewed)
                except Exception:
                    log.exception("broker watch: a new-log callback failed")

    async def _recreate(self, found: Found) -> Found | None:
        missing = [n for n in self.names if n not in found]
        try:
            created = await asyncio.to_thread(topics.ensure_all, self.bootstrap, self.partitions)
        except BrokerError as exc:
            log.warning("broker watch: could not recreate %d topics: %s", len(missing), exc)
            return found
        if created:
            log.warning(
                "broker watch: the broker had lost %d topics; recreated %d (%s, ...)",
                len(missing),
                len(created),
                created[0],
            )
            stats.count("broker.topics_recreated", len(created))
        return await asyncio.to_thread(look, self.bootstrap, self.names)

    def _went_away(self) -> None:
        topic_logs.OUTAGES.went_away()
        if not self.lost:
            self.lost, self._lost_at = True, time.monotonic()
            log.warning("broker watch: the broker at %s is not answering", self.bootstrap)
            stats.count("broker.lost")

    def _came_back(self) -> None:
        topic_logs.OUTAGES.came_back()
        if self.lost:
            self.lost = False
            away = time.monotonic() - self._lost_at
            log.warning("broker watch: the broker answers again (away %.1f s)", away)
            stats.count("broker.back")

    def _check_partitions(self, found: Found) -> None:
        """Report (once per topic) a topic with another partition count than warroom's:
        created by a producer before the watch recreated it (tansu's default is 4)."""
        compacted = set(topics.compacted_names())
        for name, (_, count) in found.items():
            want = 1 if name in compacted else self.partitions
            if count != want and name not in self._mismatched:
                self._mismatched.add(name)
                log.error(
                    "broker watch: %s has %d partitions, warroom expects %d", name, count, want
                )
                stats.count("broker.partition_mismatch")


async def rejoin_soon(app: Any, renewed: list[str]) -> None:
    """Make the Faust worker's consumer read metadata again now (not after its 5 minute
    metadata age): the recreated topics' partitions are then assigned at once."""
    thread = getattr(app.consumer, "_thread", None)
    if thread is None:
        return
    consumer = thread._ensure_consumer()
    await thread.call_thread(consumer._client.force_metadata_update)
    log.info("broker watch: consumer metadata refreshed after %d new logs", len(renewed))


class WatchService(Service):
    """The watch as a service of the Faust worker (started and stopped with it)."""

    def __init__(self, watch: BrokerWatch) -> None:
        self.watch = watch
        super().__init__()

    async def on_start(self) -> None:
        await self.watch.start()

    async def on_stop(self) -> None:
        await self.watch.stop()


class GuardedProducer(IngestProducer):
    """The ingest producer behind a broker watch: while the broker is away it refuses at
    once, and a send the broker has not taken within ``timeout_s`` fails; both raise
    ``BrokerError`` (the API answers 503 with Retry-After). Once the broker is back the
    watch recreates lost topics before the first send, so that send does not auto-create
    its topic with the broker's default partition count."""

    def __init__(self, bootstrap: str, watch: BrokerWatch, timeout_s: float = SEND_TIMEOUT_S):
        super().__init__(bootstrap)
        self.watch, self.timeout_s = watch, timeout_s

    async def send(self, kind: str, events: Sequence[Event]) -> int:
        await self.watch.ready()
        try:
            return await asyncio.wait_for(super().send(kind, events), self.timeout_s)
        except TimeoutError as exc:
            stats.count("broker.send_timeouts")
            raise BrokerError(
                f"the broker did not take the events within {self.timeout_s:g} s; retry later"
            ) from exc
