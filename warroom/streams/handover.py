"""A message this process writes goes to its reader in this process at once.

Ingest writes each order to ``orders-by-ip`` (and the other re-keyed topics); the rule
agent reading that partition may run in the same worker (with one worker, always). The
usual way costs a hop: the consumer fetches the message back, the agent waits for its
batch window, and only then judges it (p50 60-90 ms of a verdict's ~150 ms at 1,000
events/s, session 10). So when the broker acknowledges a message written to a topic a
*lane* reads (``hand_over``), the lane decides it there and then, if its recovery takes
it (``Recovery.take``): this process holds the partition, restored, and its state covers
every message before this one, so nothing is skipped or decided out of order. Its
offset is then admitted, and the consumer's delivery of it later is skipped as a
redelivery: the message is decided once, whichever way comes first.

The topic is written as before and stays what state is restored and replayed from; a
lane whose partition is not here (another worker's), or not caught up (its consumer is
behind, a restore is under way), leaves the message to the consumer. An agent's batch
body is split for it: ``decide`` (what the message changes in the state and the outputs
it gives, synchronous, so that nothing runs between the admission and the decision) and
``send`` (the outputs). ``WARROOM_HANDOVER=false`` turns it off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from faust.types import TopicT
from faust.types.tuples import FutureMessage, MessageSentCallback

from warroom.settings import get_settings
from warroom.streams import stats
from warroom.streams.recovery import Recovery

log = logging.getLogger(__name__)
T = TypeVar("T")
#: What a lane's messages give (decided from message values at a time), and how it is sent.
Decide = Callable[[Sequence[bytes], datetime], list[T]]
Send = Callable[[list[T]], Awaitable[None]]


@dataclass(frozen=True)
class Lane(Generic[T]):
    """An agent reading a topic this process also writes, by its recovery."""

    name: str
    recovery: Recovery
    decide: Decide[T]
    send: Send[T]
    ready: Callable[[], bool]

    def offer(self, topic: str, partition: int, offset: int, value: bytes) -> None:
        """Decide the message at ``offset`` here if the recovery takes it."""
        if not self.ready() or not self.recovery.take(topic, partition, offset):
            return
        stats.count(f"handover.{self.name}")
        try:
            outputs = self.decide([value], datetime.now(UTC))
        except Exception:  # admitted: the consumer's delivery will not decide it again
            log.exception("%s: a message handed over could not be decided", self.name)
            stats.count(f"handover.{self.name}.failed")
            return
        if outputs:
            _sending(self.name, self.send(outputs))


_lanes: dict[str, list[Lane[Any]]] = {}
_tasks: set[asyncio.Task[None]] = set()


def hand_over(
    topic: TopicT,
    recovery: Recovery,
    decide: Decide[T],
    send: Send[T],
    ready: Callable[[], bool] = lambda: True,
) -> None:
    """Have the messages this process writes to ``topic`` decided by ``recovery``'s agent
    at once (see the module); ``ready``: whether the agent decides anything yet (e.g. not
    while its first batch waits for a baseline)."""
    _lanes.setdefault(topic.get_topic_name(), []).append(
        Lane(recovery.name, recovery, decide, send, ready)
    )


def on_written(topic: TopicT) -> MessageSentCallback | None:
    """The callback that offers a message written to ``topic`` to its lanes, once the
    broker has it (None: no lane reads it here)."""
    lanes = _lanes.get(topic.get_topic_name())
    if not lanes or not get_settings().handover:
        return None

    def written(fut: FutureMessage) -> None:
        meta = fut.result()
        for lane in lanes:
            lane.offer(meta.topic, meta.partition, meta.offset, fut.message.value)

    return written


def _sending(name: str, sent: Awaitable[None]) -> None:
    async def send() -> None:
        try:
            await sent
        except Exception:
            log.exception("%s: the outputs of a message handed over were not sent", name)
            stats.count(f"handover.{name}.unsent")

    task = asyncio.ensure_future(send())
    _tasks.add(task)  # kept until done (the loop holds tasks weakly)
    task.add_done_callback(_tasks.discard)
