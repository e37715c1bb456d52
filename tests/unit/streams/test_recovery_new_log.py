"""A checkpoint taken on a log the broker has lost (topic recreated, offsets from 0 again)
does not make the worker skip the new log's messages: it is reported as stale, its state
is kept, and the partition is read from the start of the new log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.unit.streams.test_recovery import TOPIC, Sums
from warroom.store.db import Store, migrate
from warroom.streams import log_guard, stats, topic_logs
from warroom.streams.recovery import Recovery, forget_old_logs


class Topic:
    """One partition's log, which the broker can lose (recreate: offsets from 0)."""

    def __init__(self, values: list[int]) -> None:
        self.log = [json.dumps([0, n]).encode() for n in values]
        #: Where the consumer group committed on the partition (None: nowhere yet).
        self.commit: int | None = None

    def recreate(self, values: list[int]) -> None:
        self.__init__(values)  # type: ignore[misc]

    async def read(
        self, bootstrap: str, topic: str, partition: int, start: int, end: int | None
    ) -> tuple[list[bytes], int]:
        values = self.log[start:end]
        return values, start + len(values)

    async def bounds(
        self, bootstrap: str, topic: str, partition: int, expected: int
    ) -> tuple[int, int]:
        return 0, len(self.log)

    async def committed(
        self, bootstrap: str, group: str, topic: str, partitions: Sequence[int]
    ) -> dict[int, int | None]:
        return {p: self.commit for p in partitions}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    return Store(url)


@pytest.fixture(autouse=True)
def logs(monkeypatch: pytest.MonkeyPatch) -> topic_logs.TopicLogs:
    """This process's view of the topic ids, fresh for each test (no watch running)."""
    fresh = topic_logs.TopicLogs()
    fresh.observe({TOPIC: "id-1"})
    monkeypatch.setattr(topic_logs, "LOGS", fresh)
    return fresh


class MarkedSums(Sums):
    """Sums that also keep something about offsets of the old logs (as the campaign
    counters keep their inputs' offsets), to be forgotten on a new log."""

    def __init__(self) -> None:
        super().__init__()
        self.new_logs: list[int] = []

    def on_new_log(self, partition: int) -> None:
        self.new_logs.append(partition)


def worker(store: Store, topic: Topic) -> tuple[MarkedSums, Recovery]:
    sums = MarkedSums()
    return sums, Recovery(
        "sums", sums, lambda: "-", 3600, lambda: store, topic.read, topic.bounds, topic.committed
    )


async def rebalance(recovery: Recovery) -> None:
    """A rebalance as Faust signals it: partitions revoked (a new rebalance begins), then
    the partition assigned to ``recovery``."""
    log_guard.ASSIGNMENT.rebalancing()
    await recovery.assign(TOPIC, [0])


async def consume(sums: Sums, recovery: Recovery, topic: Topic, offsets: range) -> int:
    """Deliver ``offsets`` as the consumer would; how many were admitted."""
    admitted = 0
    for offset in offsets:
        if await recovery.admit(TOPIC, 0, offset):
            sums.add(*json.loads(topic.log[offset]))
            admitted += 1
    return admitted


def stale() -> int:
    return stats.counters["recovery.sums.stale_checkpoint"]


async def test_a_checkpoint_past_the_end_of_a_recreated_topic_reads_the_new_log(
    store: Store,
) -> None:
    topic = Topic(list(range(1, 16)))
    sums, recovery = worker(store, topic)
    await consume(sums, recovery, topic, range(0, 15))
    await recovery.checkpoint(now=0.0, force=True)  # at offset 15
    before = stale()

    topic.recreate([100, 200, 300])  # the broker restarted empty; 3 new messages
    sums, recovery = worker(store, topic)  # the worker restarted too
    assert await consume(sums, recovery, topic, range(0, 3)) == 3, "none skipped"
    assert sums.sums[0] == sum(range(1, 16)) + 600, "the counted events are kept"
    assert stale() == before + 1
    assert sums.new_logs == [0], "the state forgets its marks of the old logs' offsets"


async def test_an_assigned_partition_with_a_stale_checkpoint_starts_at_the_new_log(
    store: Store,
) -> None:
    topic = Topic(list(range(1, 11)))
    sums, recovery = worker(store, topic)
    await consume(sums, recovery, topic, range(0, 10))
    await recovery.checkpoint(now=0.0, force=True)

    topic.recreate([7, 8])
    sums, recovery = worker(store, topic)
    await rebalance(recovery)  # nothing of the new log replayed without a decision
    assert sums.sums[0] == sum(range(1, 11))
    assert await consume(sums, recovery, topic, range(0, 2)) == 2
    assert sums.sums[0] == sum(range(1, 11)) + 15


async def test_a_running_worker_knows_its_checkpoint_is_of_the_old_log(
    store: Store, logs: topic_logs.TopicLogs
) -> None:
    """The new log already holds more messages than the old offset when the group forms
    again: only the topic's new id tells the two logs apart."""
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))

    topic.recreate(list(range(10, 20)))  # 10 messages before the group re-formed
    logs.observe({TOPIC: "id-2"})  # the watch saw the recreated topic
    await recovery.revoke([0], now=0.0)  # then the rebalance that follows: saved as id-1
    before = stale()
    await rebalance(recovery)
    assert await consume(sums, recovery, topic, range(0, 10)) == 10, "none skipped"
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 20))
    assert stale() == before + 1


async def test_the_next_owner_of_the_partition_reads_the_new_log_too(
    store: Store, logs: topic_logs.TopicLogs
) -> None:
    topic = Topic(list(range(1, 6)))
    sums, first = worker(store, topic)
    await rebalance(first)
    await consume(sums, first, topic, range(0, 5))
    topic.recreate(list(range(10, 20)))
    logs.observe({TOPIC: "id-2"})
    await first.revoke([0], now=0.0)

    other_sums, other = worker(store, topic)  # another worker gets the partition
    await rebalance(other)
    assert await consume(other_sums, other, topic, range(0, 4)) == 4
    await other.revoke([0], now=0.0)  # its checkpoint: the new log up to offset 4
    before = stale()

    await rebalance(first)  # back to the first: that checkpoint is trusted
    await consume(sums, first, topic, range(4, 10))
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 20))
    assert stale() == before and not sums.new_logs


async def test_a_worker_that_saved_before_it_saw_the_new_log_knows_its_checkpoint(
    store: Store, logs: topic_logs.TopicLogs
) -> None:
    """The group re-forms before the watch has seen the recreated topic: the state is
    saved with its old offset, which this process recognises once it sees the new id."""
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))
    await recovery.revoke([0], now=0.0)  # saved at offset 5, on the old log

    topic.recreate(list(range(10, 20)))
    logs.observe({TOPIC: "id-2"})
    await rebalance(recovery)
    assert await consume(sums, recovery, topic, range(0, 10)) == 10, "none skipped"
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 20))


async def test_a_replay_waits_for_a_broker_that_is_away(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebalance while the broker restarts: the replay is tried again, not a crash."""
    topic = Topic(list(range(1, 11)))
    sums, recovery = worker(store, topic)
    await consume(sums, recovery, topic, range(0, 5))
    await recovery.checkpoint(now=0.0, force=True)
    monkeypatch.setattr("warroom.streams.recovery.LOAD_RETRY_S", (0.01, 0.01))
    away = {"left": 2}

    async def flaky(*args: object) -> tuple[list[bytes], int]:
        if away["left"]:
            away["left"] -= 1
            raise ConnectionError("Unable to bootstrap")
        return await topic.read(*args)  # type: ignore[arg-type]

    sums = MarkedSums()
    topic.commit = 10  # the dead worker handled all 10
    recovery = Recovery(
        "sums", sums, lambda: "-", 3600, lambda: store, flaky, topic.bounds, topic.committed
    )
    await rebalance(recovery)
    assert sums.sums[0] == sum(range(1, 11))


async def test_a_worker_started_after_the_restart_knows_the_checkpoint_is_of_the_old_log(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that was not running when the topic was recreated: the checkpoint names
    the old topic id, even though the new log is already longer than its offset."""
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))
    await recovery.checkpoint(now=0.0, force=True)

    topic.recreate(list(range(10, 20)))
    new_process = topic_logs.TopicLogs()  # which has only ever seen the new log
    new_process.observe({TOPIC: "id-2"})
    monkeypatch.setattr(topic_logs, "LOGS", new_process)
    monkeypatch.setattr(log_guard, "ASSIGNMENT", log_guard.Assignment())
    sums, recovery = worker(store, topic)
    assert await consume(sums, recovery, topic, range(0, 10)) == 10, "none skipped"
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 20))
    assert sums.new_logs == [0]


async def test_a_partition_kept_across_the_rebalance_is_restored_on_the_new_log(
    store: Store, logs: topic_logs.TopicLogs
) -> None:
    """Faust revokes only what a rebalance took away: a partition the worker keeps stays
    in ``next``, so the watch's news of the new log is what resets it."""
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))

    topic.recreate(list(range(10, 20)))
    logs.observe({TOPIC: "id-2"})
    await forget_old_logs([TOPIC])
    await rebalance(recovery)  # the rebalance that follows keeps the partition
    assert await consume(sums, recovery, topic, range(0, 10)) == 10, "none skipped"
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 20))
    assert sums.new_logs == [0]


@pytest.fixture
def outages() -> topic_logs.Outages:
    """This process's broker outages (fresh for each test, ``tests/conftest.py``)."""
    return topic_logs.OUTAGES


def restart_broker(
    topic: Topic, logs: topic_logs.TopicLogs, outages: topic_logs.Outages, values: list[int]
) -> None:
    """What the watch sees of a broker that restarted empty: away, back, a new log."""
    outages.went_away()
    topic.recreate(values)
    outages.came_back()
    logs.observe({TOPIC: "id-2"})


async def test_a_message_read_before_the_broker_lost_its_log_is_not_taken_for_a_new_one(
    store: Store, logs: topic_logs.TopicLogs, outages: topic_logs.Outages
) -> None:
    """Seen in the two-worker restart test: a message of the old log (offset 0) waited
    for its partition's restore while the broker restarted empty; the restore found the
    checkpoint stale and the message was counted as the new log's offset 0, counting it
    twice and hiding the new log's own offset 0 as a copy."""
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))
    await recovery.revoke([0], now=0.0)  # a rebalance; the partition comes back to it
    await rebalance(recovery)
    await recovery.revoke([0], now=0.0)  # and is taken away before the consumer resumes

    async def restarting(*args: object) -> tuple[int, int]:  # the restore's log check
        restart_broker(topic, logs, outages, [100, 200])
        return await topic.bounds(*args)  # type: ignore[arg-type]

    recovery.bounds = restarting
    left_out = stats.counters["recovery.sums.old_log_left_out"]
    assert not await recovery.admit(TOPIC, 0, 0), "the old log's message is left out"
    recovery.bounds = topic.bounds
    assert stats.counters["recovery.sums.old_log_left_out"] == left_out + 1
    await rebalance(recovery)  # the consumer's new assignment
    assert await consume(sums, recovery, topic, range(0, 2)) == 2
    assert sums.sums[0] == sum(range(1, 6)) + 300, "old ones once, new ones all"


async def test_messages_after_an_outage_wait_for_the_assignment_on_the_new_log(
    store: Store, logs: topic_logs.TopicLogs, outages: topic_logs.Outages
) -> None:
    """After the broker came back with new logs, the consumer reads on from its old
    positions until it rejoins: those messages are left out, then read from offset 0."""
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))

    restart_broker(topic, logs, outages, list(range(10, 18)))
    await forget_old_logs([TOPIC])  # the watch's callback
    assert await consume(sums, recovery, topic, range(5, 8)) == 0, "read at old positions"
    await rebalance(recovery)
    assert await consume(sums, recovery, topic, range(0, 8)) == 8
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 18))


async def test_after_an_outage_that_kept_the_log_messages_go_on_as_before(
    store: Store, outages: topic_logs.Outages
) -> None:
    """Apache Kafka keeps its logs: after the broker was away nothing is left out."""
    topic = Topic(list(range(1, 11)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))
    outages.went_away()
    outages.came_back()
    assert await consume(sums, recovery, topic, range(5, 10)) == 5
    assert sums.sums[0] == sum(range(1, 11))


async def test_without_a_rebalance_after_a_new_log_messages_are_read_again_in_time(
    store: Store,
    logs: topic_logs.TopicLogs,
    outages: topic_logs.Outages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A broker that kept the consumer group (a topic deleted and created again on Kafka)
    may not make the consumer rejoin: after RENEW_WAIT_S the new log is read as it comes."""
    monkeypatch.setattr(log_guard, "RENEW_WAIT_S", 0.05)
    topic = Topic(list(range(1, 6)))
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    await consume(sums, recovery, topic, range(0, 5))
    restart_broker(topic, logs, outages, list(range(10, 20)))
    await forget_old_logs([TOPIC])
    assert await consume(sums, recovery, topic, range(0, 1)) == 0
    await asyncio.sleep(0.06)
    assert await consume(sums, recovery, topic, range(0, 10)) == 10
    assert sums.sums[0] == sum(range(1, 6)) + sum(range(10, 20))


async def test_a_late_callback_of_the_rebalance_does_not_put_the_assignment_on_the_new_log(
    store: Store, logs: topic_logs.TopicLogs, outages: topic_logs.Outages
) -> None:
    """Seen in the two-worker restart test (270 of 250, 4 runs of 10): the partition was
    assigned again before the broker restarted; the rebalance's callbacks (one per
    agent) run one after the other, each waiting ~30 s for the group's commits while the
    broker is away, and a later one ran once the broker was back with new logs. Recorded
    again by that one, the assignment looked as if it were on the new logs, and a message
    of the old log (its offset 0, not committed, fetched again before the outage, its
    restore waiting through it) was counted as the new log's offset 0: counted twice."""
    topic = Topic([1, 2])
    sums, recovery = worker(store, topic)
    await rebalance(recovery)
    assert await consume(sums, recovery, topic, range(0, 1)) == 1
    log_guard.ASSIGNMENT.rebalancing()  # a rebalance: the partition is revoked
    await recovery.revoke([0], now=0.0)  # (checkpoint: offset 1 of the old log)
    other = Recovery(
        "other", Sums(), lambda: "-", 3600, lambda: store, topic.read, topic.bounds,
        topic.committed,
    )  # fmt: skip
    await other.assign("t.other.v1", [0])  # its first callback: before the outage

    async def restarting(*args: object) -> tuple[int, int]:  # the restore's log check
        restart_broker(topic, logs, outages, [100, 200])
        await other.assign("t.other.v1", [1])  # a later callback, once the broker is back
        return await topic.bounds(*args)  # type: ignore[arg-type]

    recovery.bounds = restarting  # the partition came back: its offset 0 is delivered again
    assert not await recovery.admit(TOPIC, 0, 0), "the old log's message is left out"
    recovery.bounds = topic.bounds
    await rebalance(recovery)  # the consumer rejoins the new group
    assert await consume(sums, recovery, topic, range(0, 2)) == 2
    assert sums.sums[0] == 1 + 300, "the old message once, the new ones all"
