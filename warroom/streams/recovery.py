"""Exact per-partition agent state across restarts and rebalances: checkpoints + replay.

An agent's state covers, per input partition, every message below ``next[partition]``.
Each message is admitted once:

- a partition this process is assigned (or, failing that, its first message) restores
  the partition's keys from their latest checkpoint (``stream_checkpoints`` in the SQL
  store); when the checkpoint ends before the offset the group committed (the worker
  died after committing offsets it had not checkpointed yet), the messages in between
  are re-read from the topic and replayed into the state, without deciding anything
  again. Only up to the commit: what lies after it, its previous owner never handled,
  and the agent reads and decides it as usual (a message another agent wrote while
  the partition had no owner, e.g. the hit that completes a burst, gets its verdict);
- a message below ``next`` is already in the state (a redelivery after a restart or a
  rebalance, when the checkpoint ran ahead of the committed offset) and is skipped.

So a restart neither loses nor double-counts a message, whatever the order of commits
and checkpoints. Checkpoints are written every ``interval_s`` for the partitions that
changed, and for revoked partitions as they go.

A checkpoint is checked against the partition's log before its offset is trusted: a
topic the broker lost and warroom recreated (tansu keeps topics in memory) starts again
at offset 0, so a checkpoint taken on the old log would make every new message up to
its offset look like a redelivery. Each checkpoint carries the id of the topic its
offsets are of (``topic_logs``, from the broker watch); one of another topic id than the
topic's current one, or one past the end of the log, is *stale*: its state is kept
(those events were counted), the partition is read from the start of the new log, and it
is reported (``recovery.<agent>.stale_checkpoint``). A message delivered after the broker
was away is admitted only once this process has looked at the broker again; if the topic
got a new log since the consumer's assignment, the message is left out until the next
assignment reads the new log from its start (``log_guard``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.types import TP, AppT, EventT, TopicT

from warroom.settings import get_settings
from warroom.store import checkpoints
from warroom.store.checkpoints import Checkpoint
from warroom.store.db import Store
from warroom.store.shared import shared_or_none
from warroom.streams import log_guard, stats, topic_logs
from warroom.streams.replay import committed_offsets, read_range

log = logging.getLogger(__name__)
#: Waits between attempts to load a checkpoint while the SQL store is down (~30 s in all).
LOAD_RETRY_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: Reads ``topic[partition]`` from one offset to another (end excluded).
Reader = Callable[[str, str, int, int, int | None], Awaitable[tuple[list[bytes], int]]]
#: Begins a checkpoint's data that names the topic id its offsets are of.
_FRAME = b"\x00warroom-log\x00"
#: How long checking a checkpoint against its log may take before it is trusted unchecked.
BOUNDS_TIMEOUT_S = 10.0
#: The first offset of ``topic[partition]`` and its end, exact at least up to ``expected``.
Bounds = Callable[[str, str, int, int], Awaitable[tuple[int, int]]]
#: The offsets a consumer group committed on ``topic``'s ``partitions`` (None: none).
Committed = Callable[[str, str, str, Sequence[int]], Awaitable[dict[int, int | None]]]


class PartitionState(Protocol):
    """Agent state that can be cut by input partition."""

    def dump(self, partition: int) -> bytes:
        """The state of the keys on ``partition``."""
        ...

    def load(self, partition: int, data: bytes | None) -> None:
        """Replace the keys on ``partition`` by ``data`` (None: forget them)."""
        ...

    def replay(self, values: Iterable[bytes]) -> None:
        """Add messages to the state as the agent would, deciding nothing."""
        ...

    # A state may also have ``on_new_log(partition)``: called when the partition's
    # checkpoint was stale (the topics were recreated), to forget what it keeps about
    # offsets of the old logs (e.g. the campaign counters' marks of their inputs' offsets).


class Recovery:
    def __init__(
        self,
        name: str,
        state: PartitionState,
        bootstrap: Callable[[], str] | None = None,
        interval_s: float | None = None,
        store: Callable[[], Store | None] = shared_or_none,
        reader: Reader = read_range,
        bounds: Bounds | None = None,
        committed: Committed | None = None,
    ) -> None:
        self.name = name
        #: Checkpoints are the app's: two apps (app ids) may share one SQL store.
        self.key = f"{get_settings().app_id}/{name}"
        self.state = state
        self.bootstrap = bootstrap or worker_bootstrap
        self.interval_s = get_settings().checkpoint_interval_s if interval_s is None else interval_s
        self.store = store
        self.reader = reader
        self.bounds = bounds or log_bounds
        self.committed = committed or committed_offsets
        self.next: dict[int, int] = {}
        self._changed: set[int] = set()
        self._fresh: set[int] = set()  # restored on assignment, no message admitted yet
        self._admitting = 0  # batches being admitted (``admitted``), not decided yet
        self._saved_at = 0.0
        #: One restore per partition at a time: an assignment's and a first message's.
        self._locks: dict[int, asyncio.Lock] = {}
        #: The input topic, and the topic id of the log each partition's offsets are of.
        self._topic: str | None = None
        self._log_id: dict[int, str | None] = {}
        _recoveries.add(self)

    async def admit(self, topic: str, partition: int, offset: int) -> bool:
        """Whether the message at ``offset`` is new to the state (restoring first if needed)."""
        if self.store() is None:
            return True  # no store (agent tests): nothing to restore or checkpoint
        if await self._old_log(topic):
            return False
        nxt = self.next.get(partition)
        if nxt is None:
            async with self._lock(partition):  # an assignment may be restoring it
                nxt = self.next.get(partition)
                if nxt is None:
                    covered = await self._restore(topic, partition, offset)
                    if await self._old_log(topic):  # the broker went away meanwhile
                        return False
                    nxt = offset if covered is None else covered
                    # Restored: the redeliveries below ``nxt`` that follow are skipped
                    # without restoring the partition again for each of them.
                    self.next[partition] = nxt
        if partition in self._fresh and offset > nxt:  # committed after the catch-up
            values, _ = await self._read(topic, partition, nxt, offset)
            self.state.replay(values)
            stats.count(f"recovery.{self.name}.replayed", len(values))
            nxt = offset
        if offset < nxt:
            stats.count(f"recovery.{self.name}.skipped")
            return False
        self._fresh.discard(partition)  # fresh until the first message it admits
        self.next[partition] = offset + 1
        self._changed.add(partition)
        return True

    def take(self, topic: str, partition: int, offset: int) -> bool:
        """Admit a message this process has just written to ``topic``, before its consumer
        delivers it (``handover``): only when the state covers every message before it and
        nothing else is being admitted or restored, so that no earlier message is skipped
        and none is decided out of order. The consumer's delivery is then a redelivery."""
        if self.store() is None or self._admitting or topic != self._topic:
            return False  # no store: ``admit`` takes every message, this one too
        if partition in self._fresh or self.next.get(partition) != offset:
            return False
        if not log_guard.ASSIGNMENT.steady(topic):
            return False
        self.next[partition] = offset + 1
        self._changed.add(partition)
        return True

    def holds(self, partition: int) -> bool:
        """Whether this process handles ``partition`` and its state there is restored."""
        return partition in self.next

    async def _old_log(self, topic: str) -> bool:
        """A message of a log the broker has lost since the assignment (``log_guard``)."""
        if await log_guard.ASSIGNMENT.left_out(topic):
            stats.count(f"recovery.{self.name}.old_log_left_out")
            return True
        return False

    async def _restore(
        self, topic: str, partition: int, offset: int | None, assigned: bool = False
    ) -> int | None:
        """Load the partition's checkpoint and replay from it up to ``offset`` (the first
        message delivered, or on an assignment the group's commit; None: no commit, no
        replay); the offset the state then covers (None: nothing saved)."""
        cp = await self._load(partition)
        self._topic = topic
        saved_id, data = (None, None) if cp is None else unframed(cp.data)
        try:
            self.state.load(partition, data)
        except Exception:  # corrupt or from an older format: reported, not loaded
            log.exception("%s: checkpoint of partition %d not loaded", self.name, partition)
            stats.count(f"recovery.{self.name}.corrupt")
            self.state.load(partition, None)
            cp = None
        if cp is None:
            self._log_id[partition] = await self._current_id(topic)
            return None if assigned else offset
        start = cp.next_offset
        log_start = await self._stale(topic, partition, cp, saved_id)
        if log_start is not None:
            start = log_start
            if assigned:  # the agent reads the new log from where the group committed
                return start  # (of the old log, maybe); what lies before is replayed then
        if offset is not None and start < offset:
            values, after = await self._read(topic, partition, start, offset)
            self.state.replay(values)
            stats.count(f"recovery.{self.name}.replayed", len(values))
            if assigned:  # a commit past the end of the log (which the broker lost)
                offset = after
        stats.count(f"recovery.{self.name}.restored")
        return start if offset is None else max(start, offset)

    async def assign(self, topic: str, partitions: Iterable[int]) -> None:
        """Restore newly assigned partitions before their messages arrive, so that what a
        timer looks at (a campaign that has gone quiet) is there from the start: up to
        where the group committed, the partitions' previous owner's last word. When the
        commits cannot be read, the first message of each partition restores it."""
        partitions = list(partitions)
        if self.store() is None or not partitions:
            return
        await log_guard.ASSIGNMENT.assigned()  # once per rebalance: a new log is known first
        commits = await self._commits(topic, partitions)
        if commits is None:  # the broker stayed away: the first messages restore them
            return
        for partition in partitions:
            async with self._lock(partition):
                if partition not in self.next:
                    commit = commits.get(partition)
                    covered = await self._restore(topic, partition, commit, assigned=True)
                    if covered is not None:
                        self.next[partition] = covered
                        self._fresh.add(partition)

    async def _commits(self, topic: str, partitions: list[int]) -> dict[int, int | None] | None:
        """The group's commits on ``partitions``, waiting ~30 s for a broker that does not
        answer (a rebalance while it restarts), as the replays do; None: still away."""
        group = get_settings().app_id  # Faust's consumer group is the app id
        for wait in (*LOAD_RETRY_S, None):
            try:
                return await asyncio.wait_for(
                    self.committed(self.bootstrap(), group, topic, partitions), BOUNDS_TIMEOUT_S
                )
            except Exception:  # the broker is away: aiokafka's connection errors
                if wait is None:
                    log.warning("%s: no committed offsets of %s; restoring later", self.name, topic)
                    return None
                await asyncio.sleep(wait)
        return None

    async def _read(
        self, topic: str, partition: int, start: int, end: int | None
    ) -> tuple[list[bytes], int]:
        """The reader's answer, waiting ~30 s for a broker that does not answer (one
        restarting during a rebalance); after that the replay is left out (reported)
        rather than crashing the worker."""
        for wait in (*LOAD_RETRY_S, None):
            try:
                return await self.reader(self.bootstrap(), topic, partition, start, end)
            except Exception:  # the broker is away: aiokafka's connection errors
                stats.count(f"recovery.{self.name}.read_failed")
                if wait is None:
                    log.exception(
                        "%s: could not replay %s[%d] from %d", self.name, topic, partition, start
                    )
                    return [], start
                log.warning("%s: broker unavailable for a replay; retrying in %gs", self.name, wait)
                await asyncio.sleep(wait)
        return [], start

    async def _current_id(self, topic: str) -> str | None:
        try:
            return await topic_logs.current_id(topic)
        except Exception:  # the watch could not look: the last id it saw
            log.warning("%s: could not look at the broker's topics", self.name, exc_info=True)
            return topic_logs.LOGS.topic_id(topic)

    async def _stale(
        self, topic: str, partition: int, cp: Checkpoint, saved_id: str | None
    ) -> int | None:
        """Where the partition's log starts when ``cp`` does not fit it (None: it fits):
        when it was saved for a log that has been replaced since (another topic id than
        ``saved_id``), or when its offset is past the end of the log (the broker lost the
        log it was taken on; for checkpoints without a topic id, or brokers without ids).
        Waits ~30 s for a broker that does not answer (a rebalance while it restarts)."""
        for wait in (*LOAD_RETRY_S, None):
            try:
                low, end = await asyncio.wait_for(
                    self.bounds(self.bootstrap(), topic, partition, cp.next_offset),
                    BOUNDS_TIMEOUT_S,
                )
                break
            except Exception:  # the broker is away
                if wait is None:  # trust the checkpoint, as before this check existed
                    log.warning("%s: could not check the checkpoint of %d", self.name, partition)
                    self._log_id[partition] = saved_id
                    return None
                await asyncio.sleep(wait)
        current = await self._current_id(topic)  # the broker answers: the current id
        self._log_id[partition] = current
        replaced = saved_id is not None and current is not None and saved_id != current
        if cp.next_offset <= end and not replaced:
            return None
        why = "the topic was recreated" if replaced else f"the log ends at {end}"
        log.warning(
            "%s: the checkpoint of %s[%d] (offset %d) is stale: %s; keeping its state and "
            "reading the partition from offset %d",
            self.name, topic, partition, cp.next_offset, why, low,
        )  # fmt: skip
        stats.count(f"recovery.{self.name}.stale_checkpoint")
        on_new_log = getattr(self.state, "on_new_log", None)
        if on_new_log is not None:
            on_new_log(partition)
        return low

    def _lock(self, partition: int) -> asyncio.Lock:
        return self._locks.setdefault(partition, asyncio.Lock())

    async def _load(self, partition: int) -> Checkpoint | None:
        store = self.store()
        if store is None:
            return None

        def load() -> Checkpoint | None:
            with store.session() as session:
                return checkpoints.load(session, self.key, partition)

        for wait in (*LOAD_RETRY_S, None):
            try:
                return await asyncio.to_thread(load)
            except Exception:  # the store is down: wait for it a while, then go on without
                stats.count(f"recovery.{self.name}.load_failed")
                if wait is None:
                    log.exception(
                        "%s: no checkpoint of partition %d: starting from the first message",
                        self.name,
                        partition,
                    )
                    return None
                log.warning("%s: checkpoint store unavailable; retrying in %gs", self.name, wait)
                await asyncio.sleep(wait)
        return None

    async def checkpoint(self, now: float, force: bool = False) -> int:
        """Save the changed partitions' state when ``interval_s`` has passed; returns how many."""
        if not self._changed or (not force and now - self._saved_at < self.interval_s):
            return 0
        return await self.save(sorted(self._changed), now)

    async def save(self, partitions: Iterable[int], now: float) -> int:
        store = self.store()
        cps = [
            Checkpoint(p, self.next[p], framed(self._log_id.get(p), self.state.dump(p)))
            for p in partitions
            if p in self.next
        ]
        if store is None or not cps:
            return 0

        def save() -> None:
            with store.session() as session:
                checkpoints.save(session, self.key, cps)

        try:
            await asyncio.to_thread(save)
        except Exception:  # keep going; the next checkpoint or a replay covers it
            log.exception("%s: could not save checkpoints", self.name)
            stats.count(f"recovery.{self.name}.save_failed")
            return 0
        self._changed.difference_update(cp.partition for cp in cps)
        self._saved_at = now
        return len(cps)

    async def revoke(self, partitions: Iterable[int], now: float) -> None:
        """Checkpoint and forget partitions this process no longer handles."""
        mine = [p for p in partitions if p in self.next]
        await self.save(mine, now)
        for p in mine:
            self.state.load(p, None)
            del self.next[p]
            self._changed.discard(p)
            self._fresh.discard(p)


#: Every recovery in this process (``forget_old_logs`` goes through them).
_recoveries: weakref.WeakSet[Recovery] = weakref.WeakSet()


async def forget_old_logs(renewed: Collection[str]) -> None:
    """Checkpoint and forget the partitions of ``renewed`` topics (recreated) this process
    holds: Faust keeps a partition across a rebalance without telling the app (revoked
    and assigned are what changed), so ``next`` would still hold old-log offsets. The next
    message restores the partition from that checkpoint, which is then stale."""
    for recovery in list(_recoveries):
        if recovery._topic in renewed and recovery.next:
            log.warning(
                "%s: %s has a new log; restoring its partitions", recovery.name, recovery._topic
            )
            await recovery.revoke(list(recovery.next), time.time())


async def admitted(recovery: Recovery, batch: Sequence[EventT]) -> list[bytes]:
    """The values of ``batch`` new to the recovery's state (redeliveries left out)."""
    values = []
    recovery._admitting += 1  # the agent decides them as soon as this returns
    try:
        for event in batch:
            m = event.message
            if await recovery.admit(m.topic, m.partition, m.offset):
                values.append(event.value)
    finally:
        recovery._admitting -= 1
    return values


def follow_partitions(app: AppT, topic: TopicT, recovery: Recovery) -> None:
    """Restore ``topic``'s partitions as they are assigned; checkpoint and forget them as
    they are revoked."""

    def mine(tps: set[TP]) -> list[int]:
        name = topic.get_topic_name()
        return [tp.partition for tp in tps if tp.topic == name]

    async def on_assigned(sender: Any, assigned: set[TP], **_: Any) -> None:
        await recovery.assign(topic.get_topic_name(), mine(assigned))

    async def on_revoked(sender: Any, revoked: set[TP], **_: Any) -> None:
        log_guard.ASSIGNMENT.rebalancing()  # the next assignment is recorded anew
        await recovery.revoke(mine(revoked), time.time())

    app.on_partitions_assigned.connect(on_assigned)  # type: ignore[arg-type]
    app.on_partitions_revoked.connect(on_revoked)  # type: ignore[arg-type]


def framed(topic_id: str | None, data: bytes) -> bytes:
    """``data`` with the topic id its offsets are of (unchanged when not known).

    >>> unframed(framed("id-1", b"state")), unframed(b"older checkpoint")
    (('id-1', b'state'), (None, b'older checkpoint'))
    """
    if topic_id is None:
        return data
    name = topic_id.encode()
    return _FRAME + bytes([len(name)]) + name + data


def unframed(data: bytes) -> tuple[str | None, bytes]:
    """The topic id a checkpoint's offsets are of (None: not saved with one) and its state."""
    if not data.startswith(_FRAME):
        return None, data
    length, start = data[len(_FRAME)], len(_FRAME) + 1
    return data[start : start + length].decode(), data[start + length :]


async def log_bounds(bootstrap: str, topic: str, partition: int, expected: int) -> tuple[int, int]:
    """The first offset of ``topic[partition]`` and the offset after its last message.

    tansu's ListOffsets answer may fall short of the end (the first offset of the last
    batch, DESIGN.md) but never past it; only when it is below ``expected`` is the end
    read again from a fetch's high watermark, which is right."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        low = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if end < expected:
            consumer.assign([tp])
            consumer.seek(tp, max(low, end - 1))
            await consumer.getmany(tp, timeout_ms=1000)
            end = max(end, consumer.highwater(tp) or 0)
        return low, end
    finally:
        await consumer.stop()


def worker_bootstrap() -> str:
    """Where the replay reads from: the worker's broker."""
    return get_settings().kafka_bootstrap or "127.0.0.1:9092"
