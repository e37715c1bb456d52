"""Background load at a fixed rate: simulated traffic produced straight to warroom's
input topics, in ticks, as JSON-array envelopes grouped by partition (as ``KafkaSink``).

    python benchmarks/latency/load.py --bootstrap HOST:PORT --app APP --rate 5000 \
        --seconds 40 --log LOG

Runs in its own process so that making and encoding events does not delay the
benchmark's readers. The ticks are made and partitioned before the clock starts (the
simulator's time advancing one tick at a time, IP bursts included); sending a tick only
stamps its events with the current time, encodes and sends them, so that the generator
keeps its rate on a busy machine. The log (created once the ticks are ready) gets one
line per tick sent (``t <time> <events>``), one per order (``o <order_id> <time>``, the
wall clock just before its envelope went to the producer) and one per order when the
broker acknowledged its envelope (``a <order_id> <time>``). Stops after ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import IO, Any

import orjson
from aiokafka import AIOKafkaProducer

from warroom.sim.traffic import Traffic, iso
from warroom.streams.partitioning import group_by_partition
from warroom.streams.routing import INPUT_KEYS

Event = dict[str, Any]
#: One tick: (kind, partition, events) per envelope.
Tick = list[tuple[str, int, list[Event]]]


def _key(field: str) -> Callable[[Event], str]:
    return lambda event: str(event[field])


def make_ticks(args: argparse.Namespace, partitions: dict[str, int]) -> list[Tick]:
    """``--seconds`` of traffic at ``--rate``, in ticks of ``--tick`` simulated seconds."""
    traffic = Traffic(args.seed, attack_every_s=args.attack_every, first_attack_s=0.2)
    ticks, made = [], 0
    for k in range(int(args.seconds / args.tick) + 1):
        due = int(args.rate * (k + 1) * args.tick) - made  # the simulator adds orders too
        out = traffic.tick(k * args.tick, max(due, 0))
        made += sum(len(events) for events in out.values())
        tick: Tick = []
        for kind, events in out.items():
            groups = group_by_partition(events, _key(INPUT_KEYS[kind]), partitions[kind])
            tick += [(kind, p, group) for p, group in groups.items()]
        ticks.append(tick)
    return ticks


class Load:
    """One producer and the log."""

    def __init__(self, producer: AIOKafkaProducer, app: str, log: IO[str]) -> None:
        self.producer, self.app, self.log = producer, app, log

    async def send(self, tick: Tick) -> int:
        now = time.time()
        ts = iso(now)
        for kind, partition, events in tick:
            for event in events:
                event["ts"] = ts
            value = orjson.dumps(events)
            at = time.time()
            topic = f"{self.app}.{kind}.v1"
            future = await self.producer.send(topic, value, partition=partition)
            if kind == "orders":
                ids = [e["order_id"] for e in events]
                self.log.writelines(f"o {o} {at:.6f}\n" for o in ids)
                future.add_done_callback(lambda _, ids=ids: self.acked(ids))
        sent = sum(len(events) for _, _, events in tick)
        self.log.write(f"t {now:.6f} {sent}\n")
        return sent

    def acked(self, order_ids: list[str]) -> None:
        at = time.time()
        self.log.writelines(f"a {o} {at:.6f}\n" for o in order_ids)


async def run(args: argparse.Namespace) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=args.bootstrap,
        linger_ms=0,
        max_batch_size=1024 * 1024,
        max_request_size=8 * 1024 * 1024,
    )
    await producer.start()
    try:
        # every input the simulator writes (clicks, orders, payments, stock, ...)
        partitions = {
            k: len(await producer.partitions_for(f"{args.app}.{k}.v1")) for k in INPUT_KEYS
        }
        ticks = make_ticks(args, partitions)
        with open(args.log, "w", buffering=1 << 16) as log:  # noqa: ASYNC230 (before the clock)
            load, start = Load(producer, args.app, log), time.time()
            for k, tick in enumerate(ticks):
                await asyncio.sleep(max(0.0, start + k * args.tick - time.time()))
                await load.send(tick)
            await producer.flush()
    finally:
        await producer.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--app", required=True, help="warroom's app id (the topic prefix)")
    p.add_argument("--rate", type=float, required=True, help="events per second, all kinds")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--tick", type=float, default=0.05, help="seconds between envelopes")
    p.add_argument("--attack-every", type=float, default=0.25, help="seconds between bursts")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
