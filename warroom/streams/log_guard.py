"""Messages read from a log the broker has lost are left out, not taken for the new log's.

A broker that restarts empty (tansu keeps topics in memory) loses every log; warroom
recreates the topics, and their offsets start again at 0. Until the consumer is assigned
its partitions again, what it delivers is of the old log (fetched before the broker went
away) or of the new log read from the old log's positions. Seen in the two-worker
restart test: a message of the old log waited for its partition's restore while the
broker restarted; the restore found the checkpoint stale (a new log) and the message was
counted as the new log's offset 0, counted twice, and the new log's own offset 0 then
hidden as a copy.

So recovery (``recovery.py``) leaves a message out when the broker was away since the
consumer's last assignment and, looking at the broker again, this process finds that the
topic has a new log: the consumer rejoins at once (the broker lost the group too) and
its next assignment reads the new log from the start.

What the assignment saw is recorded once per rebalance, when the first of its callbacks
runs (every agent's recovery has one, and they run one after the other): a later one may
run long after the assignment, when the broker has restarted meanwhile (each waits up to
~30 s for the group's commits while the broker is away). Recorded then, the new logs
looked as if the assignment were on them, and a message of the old log, fetched before
the outage, was counted as the new log's (the two-worker restart test's 270 of 250,
docs/reliability.md §3).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from faust.types import AppT

from warroom.streams import topic_logs

log = logging.getLogger(__name__)
#: How long messages are left out after a topic got a new log, waiting for the consumer's
#: new assignment; after that (a broker that kept the consumer group, so no rebalance
#: came) they are read on as they come.
RENEW_WAIT_S = 30.0
#: Waits between looks at a broker that is still away (~30 s in all).
LOOK_RETRY_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)


class Assignment:
    """The topics' log generations and the broker outages this process had seen when its
    consumer was last assigned partitions."""

    def __init__(self) -> None:
        self.generations: dict[str, int] = {}
        self.outages = 0
        self._renewed_at: float | None = None
        #: A rebalance began (or none was recorded yet) and its assignment is not recorded.
        self._rebalancing = True

    def rebalancing(self) -> None:
        """The consumer's partitions were revoked: a rebalance begins, and the next
        ``assigned`` records its assignment."""
        self._rebalancing = True

    async def assigned(self) -> None:
        """The consumer was assigned partitions: it reads the current logs from now on.
        Recorded by the first call of a rebalance only (see the module); that one looks
        at the broker first, so that a new log seen now is one the assignment is on (one
        look per rebalance, ~40 topics described)."""
        if not self._rebalancing:
            return
        self._rebalancing = False
        await topic_logs.look()
        if not topic_logs.OUTAGES.away:
            self.outages = topic_logs.OUTAGES.count
        self.generations = topic_logs.LOGS.generations()
        self._renewed_at = None

    async def left_out(self, topic: str) -> bool:
        """Whether a message of ``topic`` delivered now is to be left out (the fast path,
        nothing happened since the assignment, is two lookups)."""
        outages = topic_logs.OUTAGES
        if outages.count == self.outages and not self._renewed(topic):
            return False
        if outages.count != self.outages:
            await self._look_after_outage()
            if not self._renewed(topic):
                return False
        now = time.monotonic()
        self._renewed_at = self._renewed_at or now
        if now - self._renewed_at < RENEW_WAIT_S:
            return True
        log.warning(
            "%s has a new log and no rebalance followed within %gs; reading on",
            topic, RENEW_WAIT_S,
        )  # fmt: skip
        self.generations[topic] = topic_logs.LOGS.generation(topic)
        self._renewed_at = None
        return False

    def steady(self, topic: str) -> bool:
        """Nothing happened to ``topic``'s log or the broker since the assignment (the
        fast path of ``left_out``, without looking at the broker)."""
        return topic_logs.OUTAGES.count == self.outages and not self._renewed(topic)

    def _renewed(self, topic: str) -> bool:
        return topic_logs.LOGS.generation(topic) != self.generations.get(topic, 0)

    async def _look_after_outage(self) -> None:
        """One look at the broker after it was away, waiting ~30 s while it stays away."""
        outages = topic_logs.OUTAGES
        for wait in (*LOOK_RETRY_S, None):
            await topic_logs.look()
            if not outages.away or wait is None:
                break
            await asyncio.sleep(wait)
        self.outages = outages.count


#: This process's consumer (one per worker process).
ASSIGNMENT = Assignment()


def follow_assignments(app: AppT) -> None:
    """Keep ``ASSIGNMENT`` up to date with ``app``'s consumer (recovery's callbacks do
    it too, whichever runs first)."""

    async def on_revoked(sender: Any, revoked: object, **_: Any) -> None:
        ASSIGNMENT.rebalancing()

    async def on_assigned(sender: Any, assigned: object, **_: Any) -> None:
        await ASSIGNMENT.assigned()

    app.on_partitions_revoked.connect(on_revoked)  # type: ignore[arg-type]
    app.on_partitions_assigned.connect(on_assigned)  # type: ignore[arg-type]
