"""Exact per-partition agent state across restarts and rebalances: checkpoints + replay.

An agent's state covers, per input partition, every message below ``next[partition]``.
Each message is admitted once:

- the first message of a partition this process handles restores the partition's
  keys from their latest checkpoint (``stream_checkpoints`` in the SQL store); when
  the checkpoint ends before that message (the worker died after committing offsets it
  had not checkpointed yet), the messages in between are re-read from the topic and
  replayed into the state, without deciding anything again;
- a message below ``next`` is already in the state (a redelivery after a restart or a
  rebalance, when the checkpoint ran ahead of the committed offset) and is skipped.

So a restart neither loses nor double-counts a message, whatever the order of commits
and checkpoints. Checkpoints are written every ``interval_s`` for the partitions that
changed, and for revoked partitions as they go.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol

from faust.types import TP, AppT, EventT, TopicT

from warroom.settings import get_settings
from warroom.store import checkpoints
from warroom.store.checkpoints import Checkpoint
from warroom.store.db import Store
from warroom.store.shared import shared_or_none
from warroom.streams import stats
from warroom.streams.replay import read_range

log = logging.getLogger(__name__)
#: Waits between attempts to load a checkpoint while the SQL store is down (~30 s in all).
LOAD_RETRY_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: Reads ``topic[partition]`` from one offset to another (end excluded).
Reader = Callable[[str, str, int, int, int | None], Awaitable[tuple[list[bytes], int]]]


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


class Recovery:
    def __init__(
        self,
        name: str,
        state: PartitionState,
        bootstrap: Callable[[], str] | None = None,
        interval_s: float | None = None,
        store: Callable[[], Store | None] = shared_or_none,
        reader: Reader = read_range,
    ) -> None:
        self.name = name
        #: Checkpoints are the app's: two apps (app ids) may share one SQL store.
        self.key = f"{get_settings().app_id}/{name}"
        self.state = state
        self.bootstrap = bootstrap or worker_bootstrap
        self.interval_s = get_settings().checkpoint_interval_s if interval_s is None else interval_s
        self.store = store
        self.reader = reader
        self.next: dict[int, int] = {}
        self._changed: set[int] = set()
        self._fresh: set[int] = set()  # restored on assignment, no message admitted yet
        self._saved_at = 0.0
        #: One restore per partition at a time: an assignment's and a first message's.
        self._locks: dict[int, asyncio.Lock] = {}

    async def admit(self, topic: str, partition: int, offset: int) -> bool:
        """Whether the message at ``offset`` is new to the state (restoring first if needed)."""
        if self.store() is None:
            return True  # no store (agent tests): nothing to restore or checkpoint
        nxt = self.next.get(partition)
        if nxt is None:
            async with self._lock(partition):  # an assignment may be restoring it
                nxt = self.next.get(partition)
                if nxt is None:
                    covered = await self._restore(topic, partition, offset)
                    nxt = offset if covered is None else covered
        if partition in self._fresh and offset > nxt:  # committed after the catch-up
            values, _ = await self.reader(self.bootstrap(), topic, partition, nxt, offset)
            self.state.replay(values)
            stats.count(f"recovery.{self.name}.replayed", len(values))
            nxt = offset
        self._fresh.discard(partition)
        if offset < nxt:
            stats.count(f"recovery.{self.name}.skipped")
            return False
        self.next[partition] = offset + 1
        self._changed.add(partition)
        return True

    async def _restore(self, topic: str, partition: int, offset: int | None) -> int | None:
        """Load the partition's checkpoint and replay from it up to ``offset`` (None: to the
        end of the partition); the offset the state then covers (None: nothing saved)."""
        cp = await self._load(partition)
        try:
            self.state.load(partition, None if cp is None else cp.data)
        except Exception:  # corrupt or from an older format: reported, not loaded
            log.exception("%s: checkpoint of partition %d not loaded", self.name, partition)
            stats.count(f"recovery.{self.name}.corrupt")
            self.state.load(partition, None)
            cp = None
        if cp is None:
            return offset
        start = cp.next_offset
        if offset is None or start < offset:
            values, start = await self.reader(self.bootstrap(), topic, partition, start, offset)
            self.state.replay(values)
            stats.count(f"recovery.{self.name}.replayed", len(values))
        stats.count(f"recovery.{self.name}.restored")
        return start if offset is None else max(start, offset)

    async def assign(self, topic: str, partitions: Iterable[int]) -> None:
        """Restore newly assigned partitions before their messages arrive, so that what a
        timer looks at (a campaign that has gone quiet) is there from the start."""
        if self.store() is None:
            return
        for partition in partitions:
            async with self._lock(partition):
                if partition not in self.next:
                    covered = await self._restore(topic, partition, None)
                    if covered is not None:
                        self.next[partition] = covered
                        self._fresh.add(partition)

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
            Checkpoint(p, self.next[p], self.state.dump(p)) for p in partitions if p in self.next
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


async def admitted(recovery: Recovery, batch: Sequence[EventT]) -> list[bytes]:
    """The values of ``batch`` new to the recovery's state (redeliveries left out)."""
    values = []
    for event in batch:
        m = event.message
        if await recovery.admit(m.topic, m.partition, m.offset):
            values.append(event.value)
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
        await recovery.revoke(mine(revoked), time.time())

    app.on_partitions_assigned.connect(on_assigned)  # type: ignore[arg-type]
    app.on_partitions_revoked.connect(on_revoked)  # type: ignore[arg-type]


def worker_bootstrap() -> str:
    """Where the replay reads from: the worker's broker."""
    return get_settings().kafka_bootstrap or "127.0.0.1:9092"
