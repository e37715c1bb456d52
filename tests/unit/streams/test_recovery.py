"""Recovery admits each message once across restarts: restore, replay the gap, skip
redeliveries; checkpoints go to a real SQLite store, the topic is a list."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from warroom.store.db import Store, migrate
from warroom.streams.recovery import Committed, Recovery

TOPIC = "t.activity.v1"


class Sums:
    """Per partition, a sum of the integers seen (the state under test)."""

    def __init__(self) -> None:
        self.sums: dict[int, int] = {}

    def dump(self, partition: int) -> bytes:
        return json.dumps(self.sums.get(partition, 0)).encode()

    def load(self, partition: int, data: bytes | None) -> None:
        self.sums.pop(partition, None)
        if data is not None:
            self.sums[partition] = int(json.loads(data))

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            self.add(*json.loads(raw))

    def add(self, partition: int, n: int) -> None:
        self.sums[partition] = self.sums.get(partition, 0) + n


@pytest.fixture
def store(tmp_path: Path) -> Store:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    return Store(url)


LOG = [json.dumps([0, n]).encode() for n in range(1, 21)]  # partition 0: offsets 0..19


async def read(
    bootstrap: str, topic: str, partition: int, start: int, end: int | None
) -> tuple[list[bytes], int]:
    values = LOG[start:end]
    return values, start + len(values)


async def bounds(bootstrap: str, topic: str, partition: int, expected: int) -> tuple[int, int]:
    return 0, len(LOG)


def commits(at: int | None) -> Committed:
    """The consumer group's commits: ``at`` on every partition (None: nothing committed)."""

    async def committed(
        bootstrap: str, group: str, topic: str, partitions: Sequence[int]
    ) -> dict[int, int | None]:
        return {p: at for p in partitions}

    return committed


def worker(store: Store, committed: int | None = None) -> tuple[Sums, Recovery]:
    sums = Sums()
    recovery = Recovery(
        "sums", sums, lambda: "unused", 3600, lambda: store, read, bounds, commits(committed)
    )
    return sums, recovery


async def consume(sums: Sums, recovery: Recovery, offsets: range) -> int:
    """Deliver ``offsets``; how many the recovery admits (the agent decides on those)."""
    new = 0
    for offset in offsets:
        if await recovery.admit(TOPIC, 0, offset):
            sums.add(*json.loads(LOG[offset]))
            new += 1
    return new


async def checkpointed(store: Store, upto: int) -> None:
    """A worker that handled offsets 0 to ``upto`` - 1, saved its checkpoint and died."""
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, upto))
    await recovery.checkpoint(now=0.0, force=True)


async def test_a_restart_replays_what_was_committed_after_the_checkpoint(store: Store) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 5))
    assert await recovery.checkpoint(now=0.0, force=True) == 1  # sum of 1..5 at offset 5
    await consume(sums, recovery, range(5, 12))  # committed, never checkpointed

    sums, recovery = worker(store)  # the restart: delivery resumes at the commit, 12
    await consume(sums, recovery, range(12, 20))
    assert sums.sums[0] == sum(range(1, 21))


async def test_a_restart_skips_what_the_checkpoint_already_holds(store: Store) -> None:
    await checkpointed(store, 15)  # at offset 15; the commit was at 10
    sums, recovery = worker(store)  # redelivered from 10
    await consume(sums, recovery, range(10, 20))
    assert sums.sums[0] == sum(range(1, 21))


class Loads(Sums):
    """Sums that count how often a partition is restored."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0

    def load(self, partition: int, data: bytes | None) -> None:
        self.loads += 1
        super().load(partition, data)


async def test_the_redeliveries_after_a_restart_restore_the_partition_once(store: Store) -> None:
    """Each restore reads the checkpoint from the store (15 to 80 ms on tansu's workers):
    the redeliveries a checkpoint ran ahead of are skipped, not restored again."""
    await checkpointed(store, 15)  # at 15; the commit was at 10
    sums = Loads()
    recovery = Recovery("sums", sums, lambda: "unused", 3600, lambda: store, read, bounds)
    assert await consume(sums, recovery, range(10, 20)) == 5
    assert sums.loads == 1
    assert sums.sums[0] == sum(range(1, 21))


class Unreadable(Sums):
    """State whose saved form no longer loads (a corrupt row, an older format)."""

    def load(self, partition: int, data: bytes | None) -> None:
        if data is not None:
            raise ValueError("checkpoint format 0, expected 1")
        super().load(partition, None)


async def test_a_corrupt_checkpoint_is_reported_and_not_loaded(store: Store) -> None:
    await checkpointed(store, 5)
    unreadable = Unreadable()
    recovery = Recovery("sums", unreadable, lambda: "unused", 3600, lambda: store, read, bounds)
    await consume(unreadable, recovery, range(5, 8))  # starts afresh at the first delivered
    assert unreadable.sums[0] == 6 + 7 + 8


async def test_a_revoked_partition_is_saved_and_forgotten(store: Store) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 6))
    await recovery.revoke([0], now=0.0)
    assert 0 not in sums.sums

    other, other_recovery = worker(store)  # the partition's new owner
    await consume(other, other_recovery, range(6, 20))
    assert other.sums[0] == sum(range(1, 21))


async def test_an_assigned_partition_is_restored_up_to_the_groups_commit(store: Store) -> None:
    await checkpointed(store, 5)  # at 5; the worker died with 12 committed
    sums, recovery = worker(store, committed=12)
    await recovery.assign(TOPIC, [0])  # the checkpoint and what the dead worker handled
    assert sums.sums[0] == sum(range(1, 13))
    assert await consume(sums, recovery, range(12, 20)) == 8  # the rest is new: decided
    assert sums.sums[0] == sum(range(1, 21))


async def test_what_reached_the_partition_while_it_had_no_owner_is_not_replayed(
    store: Store,
) -> None:
    """Messages after the commit were never handled (e.g. the hit another agent sent while
    no worker ran): replaying them would put them in the state without their decision."""
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 10))
    await recovery.revoke([0], now=0.0)  # saved and committed at 10; 10 more arrive

    sums, recovery = worker(store, committed=10)
    await recovery.assign(TOPIC, [0])
    assert sums.sums[0] == sum(range(1, 11))
    assert await consume(sums, recovery, range(10, 20)) == 10


async def test_an_assignment_skips_the_redeliveries_a_checkpoint_ran_ahead_of(
    store: Store,
) -> None:
    await checkpointed(store, 15)  # at 15; committed at 10
    sums, recovery = worker(store, committed=10)
    await recovery.assign(TOPIC, [0])
    assert await consume(sums, recovery, range(10, 20)) == 5  # 10..14 are in the checkpoint


async def test_without_the_commits_the_first_message_restores_the_partition(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await checkpointed(store, 5)
    monkeypatch.setattr("warroom.streams.recovery.LOAD_RETRY_S", (0.01, 0.01))
    asked = []

    async def away(*args: object) -> dict[int, int | None]:
        asked.append(args)
        raise ConnectionError("Unable to bootstrap")

    sums = Sums()
    recovery = Recovery("sums", sums, lambda: "-", 3600, lambda: store, read, bounds, away)
    await recovery.assign(TOPIC, [0])
    assert len(asked) == 3, "asked again while the broker might come back"
    assert 0 not in sums.sums  # nothing restored yet
    await consume(sums, recovery, range(12, 20))  # delivery resumes at the commit, 12
    assert sums.sums[0] == sum(range(1, 21))


async def test_an_assignment_and_a_first_message_restore_the_partition_once(
    store: Store,
) -> None:
    await checkpointed(store, 5)
    sums, recovery = worker(store, committed=12)
    first = asyncio.ensure_future(recovery.assign(TOPIC, [0]))
    await asyncio.sleep(0)  # the assignment is restoring when the first message comes
    new = await recovery.admit(TOPIC, 0, 12)
    await first
    assert new, "the message at the commit is the first one nobody handled"
    sums.add(*json.loads(LOG[12]))
    assert sums.sums[0] == sum(range(1, 14))  # restored once: 1..12, then 13


async def test_a_checkpoint_waits_for_the_store_to_come_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await checkpointed(store, 5)
    monkeypatch.setattr("warroom.streams.recovery.LOAD_RETRY_S", (0.01, 0.01))
    down = {"left": 2}

    class Flaky:
        def __init__(self) -> None:
            self.real = store

        def session(self):  # type: ignore[no-untyped-def]
            if down["left"]:
                down["left"] -= 1
                raise OSError("store down")
            return self.real.session()

    sums = Sums()
    recovery = Recovery("sums", sums, lambda: "unused", 3600, lambda: Flaky(), read, bounds)  # type: ignore[arg-type,return-value]
    await consume(sums, recovery, range(12, 20))
    assert sums.sums[0] == sum(range(1, 21))
