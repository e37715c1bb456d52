"""Recovery admits each message once across restarts: restore, replay the gap, skip
redeliveries; checkpoints go to a real SQLite store, the topic is a list."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from warroom.store.db import Store, migrate
from warroom.streams.recovery import Recovery

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


def worker(store: Store) -> tuple[Sums, Recovery]:
    sums = Sums()
    return sums, Recovery("sums", sums, lambda: "unused", 3600, lambda: store, read, bounds)


async def consume(sums: Sums, recovery: Recovery, offsets: range) -> None:
    for offset in offsets:
        if await recovery.admit(TOPIC, 0, offset):
            sums.add(*json.loads(LOG[offset]))


async def test_a_restart_replays_what_was_committed_after_the_checkpoint(store: Store) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 5))
    assert await recovery.checkpoint(now=0.0, force=True) == 1  # sum of 1..5 at offset 5
    await consume(sums, recovery, range(5, 12))  # committed, never checkpointed

    sums, recovery = worker(store)  # the restart: delivery resumes at the commit, 12
    await consume(sums, recovery, range(12, 20))
    assert sums.sums[0] == sum(range(1, 21))


async def test_a_restart_skips_what_the_checkpoint_already_holds(store: Store) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 15))
    await recovery.checkpoint(now=0.0, force=True)  # at offset 15; the commit was at 10

    sums, recovery = worker(store)  # redelivered from 10
    await consume(sums, recovery, range(10, 20))
    assert sums.sums[0] == sum(range(1, 21))


class Unreadable(Sums):
    """State whose saved form no longer loads (a corrupt row, an older format)."""

    def load(self, partition: int, data: bytes | None) -> None:
        if data is not None:
            raise ValueError("checkpoint format 0, expected 1")
        super().load(partition, None)


async def test_a_corrupt_checkpoint_is_reported_and_not_loaded(store: Store) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 5))
    await recovery.checkpoint(now=0.0, force=True)

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


async def test_an_assigned_partition_is_restored_before_its_first_message(store: Store) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 5))
    await recovery.checkpoint(now=0.0, force=True)

    sums, recovery = worker(store)
    await recovery.assign(TOPIC, [0])  # caught up to the end of the log: all 20
    assert sums.sums[0] == sum(range(1, 21))
    await consume(sums, recovery, range(12, 20))  # redelivered from the commit: skipped
    assert sums.sums[0] == sum(range(1, 21))


async def test_an_assignment_and_a_first_message_restore_the_partition_once(
    store: Store,
) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 5))
    await recovery.checkpoint(now=0.0, force=True)

    sums, recovery = worker(store)
    first = asyncio.ensure_future(recovery.assign(TOPIC, [0]))
    await asyncio.sleep(0)  # the assignment is restoring when the first message comes
    admitted = await recovery.admit(TOPIC, 0, 12)
    await first
    assert not admitted  # the assignment's catch-up held it already
    assert sums.sums[0] == sum(range(1, 21))


async def test_a_checkpoint_waits_for_the_store_to_come_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 5))
    await recovery.checkpoint(now=0.0, force=True)
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
