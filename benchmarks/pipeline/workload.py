"""The benchmark's input: simulated clicks and orders, and how they are put on the broker.

The same events go to warroom as JSON-array envelopes and to the bare Faust baseline
as one event per message, so both variants count exactly the same work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from warroom.schemas.events import Order
from warroom.sim.traffic import Traffic
from warroom.streams.partitioning import group_by_partition
from warroom.streams.routing import INPUT_KEYS

Event = dict[str, Any]

#: Simulated seconds per tick, and ad interactions per tick. With an IP burst (or a near
#: miss) starting every tick, this gives about 85% clicks and 15% orders.
TICK_S = 0.1
CLICKS_PER_TICK = 35
#: Orders per attack burst (the simulator's default is 7-12); near misses have 3-5.
BURST_ORDERS = (6, 8)


@dataclass(frozen=True)
class Workload:
    """Events by kind (``clicks``, ``orders``), in the order the simulator made them."""

    events: dict[str, list[Event]]
    attack_orders: int  # orders the simulator planted in IP-burst attacks

    @property
    def size(self) -> int:
        return sum(len(batch) for batch in self.events.values())

    @property
    def activities(self) -> int:
        """Records warroom routes to campaign activity: every click, orders with a campaign."""
        orders = sum(1 for o in self.events.get("orders", []) if o.get("campaign_id"))
        return self.count("clicks") + orders

    def count(self, kind: str) -> int:
        return len(self.events.get(kind, []))


def generate(n: int, seed: int) -> Workload:
    """Exactly ``n`` events with event times over the last few minutes (payments left out)."""
    traffic = Traffic(seed, attack_every_s=0.0, burst_orders=BURST_ORDERS)
    ticks = int(n / (CLICKS_PER_TICK * 1.17)) + 1
    start = time.time() - ticks * TICK_S - 1
    clicks: list[Event] = []
    orders: list[Event] = []
    tick = 0
    while len(clicks) + len(orders) < n:
        out = traffic.tick(start + tick * TICK_S, CLICKS_PER_TICK)
        clicks.extend(out.get("clicks", []))
        orders.extend(out.get("orders", []))
        tick += 1
    del clicks[max(0, n - len(orders)) :]
    kept = {o["order_id"] for o in orders}
    attacks = sum(t["order_id"] in kept for t in traffic.truth)
    return Workload({"clicks": clicks, "orders": orders}, attacks)


def expected_verdicts(orders: Sequence[Event]) -> int:
    """How many verdicts warroom's IP-burst agent gives these orders, judged in this order
    (per IP, the order warroom sees them in). Uses the agent's own judge, in this process."""
    from warroom.agents.watch_ip_bursts import judge

    now = datetime.now(UTC)
    return sum(judge(Order.model_validate(o), now) is not None for o in orders)


def partitioned(kind: str, events: Sequence[Event], partitions: int) -> dict[int, list[Event]]:
    """Events grouped by the partition of the input key warroom suggests for ``kind``."""
    key = INPUT_KEYS[kind]
    return group_by_partition(events, lambda e: str(e[key]), partitions)


def envelopes(
    kind: str, events: Sequence[Event], partitions: int, size: int
) -> Iterator[tuple[int, bytes]]:
    """(partition, JSON array of up to ``size`` events), in event order within a partition."""
    for partition, group in partitioned(kind, events, partitions).items():
        for i in range(0, len(group), size):
            yield partition, orjson.dumps(group[i : i + size])


def singles(kind: str, events: Sequence[Event], partitions: int) -> Iterator[tuple[int, bytes]]:
    """(partition, one JSON event): the way a platform without batching would send."""
    for partition, group in partitioned(kind, events, partitions).items():
        for event in group:
            yield partition, orjson.dumps(event)


async def produce(bootstrap: str, topic: str, messages: Iterator[tuple[int, bytes]]) -> int:
    """Send every (partition, value) to ``topic`` and wait until the broker has them all."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        linger_ms=5,
        max_batch_size=512 * 1024,
        max_request_size=8 * 1024 * 1024,
    )
    await producer.start()
    sent = 0
    try:
        for partition, value in messages:
            await producer.send(topic, value, partition=partition)
            sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    return sent
