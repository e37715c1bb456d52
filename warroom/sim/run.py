"""Drive traffic into a sink: live at a steady rate for a while (or until cancelled), or a
saved stream replayed in its order."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson

from warroom.sim.platform import SimulatedPlatform
from warroom.sim.sinks import Sink
from warroom.sim.stream import Stream
from warroom.sim.traffic import EVENTS_PER_IMPRESSION, Traffic

TICK_S = 0.1
#: At most this many seconds of traffic are caught up after a stall.
MAX_CATCH_UP_S = 1.0
#: Order in which a replay sends the kinds of one chunk: a stock level before the orders
#: it counts down from, a message before the order it led to, an order before its payment.
KIND_ORDER = ("stock", "messages", "orders", "payments", "refunds", "clicks", "searches", "follows")


async def simulate(
    sink: Sink,
    rate: float,
    seed: int,
    duration_s: float | None = None,
    attack_every_s: float = 10.0,
    truth_path: Path | None = None,
    platform: SimulatedPlatform | None = None,
) -> Traffic:
    """Send about ``rate`` events per second where ``platform`` runs ads (by default a
    platform of its own, on which nothing is ever paused); returns the traffic with its
    ground truth (``truth_path``: one JSON line per attack)."""
    traffic = Traffic(
        seed,
        attack_every_s=attack_every_s,
        platform=platform or SimulatedPlatform(),
        pace=lambda ts: rate / EVENTS_PER_IMPRESSION,
    )
    await sink.start()
    start = last = time.monotonic()
    owed = 0.0
    try:
        while duration_s is None or time.monotonic() - start < duration_s:
            # by the clock, not per tick: a loaded machine sends bigger batches, not fewer
            # events (the demo's attacks and flash-sale stock assume the rate asked for)
            now = time.monotonic()
            owed += rate * min(MAX_CATCH_UP_S, now - last) / EVENTS_PER_IMPRESSION
            last = now
            n, owed = int(owed), owed - int(owed)
            for kind, events in traffic.tick(time.time(), n).items():
                await sink.send(kind, events)
            await asyncio.sleep(max(0.0, TICK_S - (time.monotonic() - start) % TICK_S))
    finally:
        await sink.stop()
        if truth_path is not None:
            lines = b"".join(orjson.dumps(a.record()) + b"\n" for a in traffic.attacks)
            await asyncio.to_thread(truth_path.write_bytes, lines)
    return traffic


async def replay(sink: Sink, stream: Stream, rate: float | None = None, chunk: int = 500) -> int:
    """Send a stream's events in order, in chunks (``rate``: events per second at most;
    None: as fast as the sink takes them); returns how many were sent."""
    await sink.start()
    start = time.monotonic()
    try:
        for i in range(0, len(stream.events), chunk):
            part = stream.events[i : i + chunk]
            for kind in KIND_ORDER:
                if batch := [e for k, e in part if k == kind]:
                    await sink.send(kind, batch)
            if rate:
                await asyncio.sleep(max(0.0, start + (i + chunk) / rate - time.monotonic()))
    finally:
        await sink.stop()
    return len(stream.events)
