"""Drive traffic into a sink at a steady rate for a while (or until cancelled)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson

from warroom.sim.platform import SimulatedPlatform
from warroom.sim.sinks import Sink
from warroom.sim.traffic import Traffic

TICK_S = 0.1


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
    ground truth."""
    traffic = Traffic(seed, attack_every_s=attack_every_s, platform=platform or SimulatedPlatform())
    await sink.start()
    start = time.monotonic()
    owed = 0.0
    try:
        while duration_s is None or time.monotonic() - start < duration_s:
            owed += rate * TICK_S
            n, owed = int(owed), owed - int(owed)
            for kind, events in traffic.tick(time.time(), n).items():
                await sink.send(kind, events)
            await asyncio.sleep(max(0.0, TICK_S - (time.monotonic() - start) % TICK_S))
    finally:
        await sink.stop()
        if truth_path is not None:
            lines = b"".join(orjson.dumps(t) + b"\n" for t in traffic.truth)
            await asyncio.to_thread(truth_path.write_bytes, lines)
    return traffic
