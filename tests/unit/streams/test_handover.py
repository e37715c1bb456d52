"""A message this process wrote is decided at once by the agent reading it here, when
that agent's state covers everything before it, and once only: the consumer's delivery
of it afterwards is a redelivery. Real recovery and SQLite checkpoints; the topic is a
list (``test_recovery``'s)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types.tuples import RecordMetadata

from tests.unit.streams.test_recovery import (
    LOG,
    TOPIC,
    Sums,
    checkpointed,
    consume,
    store,
    worker,
)
from warroom.settings import Settings
from warroom.store.db import Store
from warroom.streams import handover, stats
from warroom.streams.recovery import Recovery

__all__ = ["store"]  # the fixture


class Agent:
    """The agent under the lane: adds each message to its sums and gives one output per
    message (its value), which it sends."""

    def __init__(self, sums: Sums, fail: bool = False) -> None:
        self.sums, self.fail = sums, fail
        self.sent: list[list[int]] = []

    def decide(self, values: Sequence[bytes], now: datetime) -> list[int]:
        if self.fail:
            raise ValueError("cannot decide")
        outputs = []
        for raw in values:
            partition, n = json.loads(raw)
            self.sums.add(partition, n)
            outputs.append(n)
        return outputs

    async def send(self, outputs: list[int]) -> None:
        self.sent.append(outputs)


def lane(recovery: Recovery, agent: Agent, ready: bool = True) -> handover.Lane[int]:
    return handover.Lane(recovery.name, recovery, agent.decide, agent.send, lambda: ready)


async def written(lane: handover.Lane[int], offset: int) -> None:
    """The broker acknowledged ``LOG[offset]``, written by this process; its send settles."""
    lane.offer(TOPIC, 0, offset, LOG[offset])
    await asyncio.sleep(0)


async def test_a_message_written_while_caught_up_is_decided_at_once_and_once(
    store: Store,
) -> None:
    sums, recovery = worker(store)
    agent = Agent(sums)
    assert await consume(sums, recovery, range(0, 5)) == 5

    await written(lane(recovery, agent), 5)
    assert agent.sent == [[6]]  # LOG[5] holds 6
    assert sums.sums[0] == sum(range(1, 7))

    assert await consume(sums, recovery, range(5, 8)) == 2  # 5 is a redelivery now
    assert sums.sums[0] == sum(range(1, 9))


async def test_a_message_ahead_of_the_consumer_is_left_to_it(store: Store) -> None:
    sums, recovery = worker(store)
    agent = Agent(sums)
    await consume(sums, recovery, range(0, 4))  # offset 4 not delivered yet

    await written(lane(recovery, agent), 5)
    assert agent.sent == []

    assert await consume(sums, recovery, range(4, 8)) == 4  # 4 and 5 decided by the agent
    assert sums.sums[0] == sum(range(1, 9))


async def test_a_partition_not_held_here_or_only_just_restored_is_left_to_the_consumer(
    store: Store,
) -> None:
    await checkpointed(store, 3)
    sums, recovery = worker(store, committed=5)
    agent = Agent(sums)
    await written(lane(recovery, agent), 0)  # another worker's partition, or none yet
    assert agent.sent == []

    await recovery.assign(TOPIC, [0])  # the checkpoint, and replayed up to the commit, 5
    await written(lane(recovery, agent), 5)
    assert agent.sent == []  # just restored: the first message goes the usual way
    assert await consume(sums, recovery, range(5, 7)) == 2

    await written(lane(recovery, agent), 7)
    assert agent.sent == [[8]]
    assert sums.sums[0] == sum(range(1, 9))


async def test_a_handed_over_message_is_in_the_checkpoint_and_not_decided_again(
    store: Store,
) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 10))
    await written(lane(recovery, Agent(sums)), 10)
    await recovery.checkpoint(now=0.0, force=True)  # the worker dies; nothing committed

    sums, recovery = worker(store)  # the restart: everything is redelivered
    assert await consume(sums, recovery, range(0, 20)) == 9  # 11..19
    assert sums.sums[0] == sum(range(1, 21))


async def test_a_lane_not_ready_takes_nothing(store: Store) -> None:
    sums, recovery = worker(store)
    agent = Agent(sums)
    await consume(sums, recovery, range(0, 3))
    await written(lane(recovery, agent, ready=False), 3)
    assert agent.sent == []
    assert await consume(sums, recovery, range(3, 4)) == 1


async def test_a_message_that_cannot_be_decided_is_counted_and_the_next_one_goes_on(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    sums, recovery = worker(store)
    await consume(sums, recovery, range(0, 3))
    before = stats.snapshot().get("handover.sums.failed", 0)

    await written(lane(recovery, Agent(sums, fail=True)), 3)
    assert stats.snapshot()["handover.sums.failed"] == before + 1
    assert "could not be decided" in caplog.text

    agent = Agent(sums)
    await written(lane(recovery, agent), 4)
    assert agent.sent == [[5]]


class Topic:
    def __init__(self, name: str) -> None:
        self.name = name

    def get_topic_name(self) -> str:
        return self.name


def acked(offset: int) -> Any:
    """What Faust hands a send's callback once the broker has the message."""
    meta = RecordMetadata(topic=TOPIC, partition=0, topic_partition=None, offset=offset)  # type: ignore[arg-type]
    return SimpleNamespace(result=lambda: meta, message=SimpleNamespace(value=LOG[offset]))


async def test_the_sends_callback_offers_a_written_message_to_every_lane_of_its_topic(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handover, "_lanes", {})
    assert handover.on_written(Topic(TOPIC)) is None  # no lane reads it here

    sums, recovery = worker(store)
    agent = Agent(sums)
    await consume(sums, recovery, range(0, 2))
    handover.hand_over(Topic(TOPIC), recovery, agent.decide, agent.send)  # type: ignore[arg-type]
    assert handover.on_written(Topic("t.other.v1")) is None  # type: ignore[arg-type]

    callback = handover.on_written(Topic(TOPIC))  # type: ignore[arg-type]
    assert callback is not None
    callback(acked(2))
    await asyncio.sleep(0)
    assert agent.sent == [[3]]


async def test_the_setting_turns_it_off(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handover, "_lanes", {})
    sums, recovery = worker(store)
    agent = Agent(sums)
    handover.hand_over(Topic(TOPIC), recovery, agent.decide, agent.send)  # type: ignore[arg-type]
    monkeypatch.setattr(handover, "get_settings", lambda: Settings(handover=False))
    assert handover.on_written(Topic(TOPIC)) is None  # type: ignore[arg-type]
