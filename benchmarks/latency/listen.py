"""Reading warroom's outputs as they come: when each verdict and each decision arrived,
and when warroom's hops on the way to a verdict sent each order on.

One aiokafka consumer, no group, every partition of the verdicts and decisions topics
(and of the two internal topics on a verdict's way: orders-by-ip, risk-hits) from the
start (assigned before any load, so nothing is missed; tansu's end offsets are
unreliable, so it never seeks to the end). Times are this process's wall clock at the
moment ``getmany`` returned the record, and the record's own timestamp (stamped by
warroom's producer), which tells how much of a latency was this reader's.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

#: How long the broker holds this reader's fetch when nothing is new: short, so that the
#: reader adds little to a latency, not so short that polling loads the broker.
FETCH_WAIT_MS = 20


#: The topics read: the outputs, and the internal topics between an order and its verdict.
OUTPUTS = ("verdicts", "decisions", "orders-by-ip", "risk-hits")


@dataclass(frozen=True)
class Seen:
    at: float  # wall clock when this process got the record
    stamp: float  # the record's producer timestamp


@dataclass
class Outputs:
    """First sight of each order's verdict and of each (campaign, result) decision of
    the benchmark's rule (``rule``; the default rulebook's shadow rules also decide)."""

    rule: str | None = None

    verdicts: dict[str, Seen] = field(default_factory=dict)  # order id -> first verdict
    verdict_count: int = 0
    #: Order id -> producer timestamp of its first record on orders-by-ip (sent on by the
    #: ingest hop) and on risk-hits (a rule's hit, sent on by the rule's hop).
    routed: dict[str, float] = field(default_factory=dict)
    hit: dict[str, float] = field(default_factory=dict)
    decisions: dict[tuple[str, str], Seen] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # campaign -> a skip's reason
    arrived: dict[str, asyncio.Event] = field(default_factory=lambda: defaultdict(asyncio.Event))

    def add(self, topic: str, at: float, stamp: float, value: bytes) -> None:
        items = orjson.loads(value)
        for item in items if isinstance(items, list) else [items]:
            if topic.endswith(".verdicts.v1"):
                self.verdict_count += 1
                self.verdicts.setdefault(item["order_id"], Seen(at, stamp))
            elif topic.endswith(".orders-by-ip.v1"):
                self.routed.setdefault(item["order_id"], stamp)
            elif topic.endswith(".risk-hits.v1"):
                self.hit.setdefault(item["order_id"], stamp)
            elif item.get("entity_kind") == "campaign" and item.get("rule_id") == self.rule:
                self._decision(item, Seen(at, stamp))

    def _decision(self, item: dict[str, Any], seen: Seen) -> None:
        campaign, result = item["entity_id"], item["result"]
        self.decisions.setdefault((campaign, result), seen)
        if item.get("reason"):
            self.reasons.setdefault(campaign, item["reason"])
        if result != "proposed":
            self.arrived[campaign].set()


async def listen(bootstrap: str, app: str, out: Outputs, ready: asyncio.Event) -> None:
    """Record every verdict and decision into ``out`` until cancelled."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=FETCH_WAIT_MS,
    )
    await consumer.start()
    try:
        await consumer.topics()
        wanted = [f"{app}.{name}.v1" for name in OUTPUTS]
        consumer.assign(
            [
                TopicPartition(t, p)
                for t in wanted
                for p in sorted(consumer.partitions_for_topic(t) or ())
            ]
        )
        ready.set()
        while True:
            batches = await consumer.getmany(timeout_ms=100)
            at = time.time()
            for tp, messages in batches.items():
                for m in messages:
                    out.add(tp.topic, at, m.timestamp / 1000, m.value or b"[]")
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
