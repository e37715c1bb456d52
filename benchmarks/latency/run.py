"""One background rate: start the load, probe the actions one at a time, then read back
what was produced when and what came out when."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaProducer
from pipeline.children import BenchError, cpu_seconds, running, tail

from .listen import Outputs, Seen
from .probes import Probe, probe
from .report import HOPS, Row

LOAD = Path(__file__).with_name("load.py")
#: Seconds after the load stops in which late verdicts still count.
DRAIN_S = 2.0
#: Seconds the load generator may take to make its ticks.
READY_S = 60.0
#: Seconds the canary may take: the rule and campaigns reach the worker first.
CANARY_S = 30.0


@dataclass(frozen=True)
class Context:
    bootstrap: str
    app: str
    url: str
    token: str
    args: argparse.Namespace
    workdir: Path
    worker: subprocess.Popen[bytes]
    broker_pid: int | None
    worker_log: Path

    def alive(self) -> None:
        if self.worker.poll() is not None:
            code = self.worker.returncode
            raise BenchError(f"warroom serve exited with code {code}\n{tail(self.worker_log)}")


def _producer(ctx: Context) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=ctx.bootstrap, linger_ms=0)


async def _probes(ctx: Context, shop: str, campaigns: list[str], out: Outputs) -> list[Probe]:
    """One probe per campaign, spread over the measured seconds, each waited for."""
    producer = _producer(ctx)
    await producer.start()
    topic, spacing = f"{ctx.app}.clicks.v1", ctx.args.seconds / len(campaigns)
    try:
        partitions = len(await producer.partitions_for(topic))
        done, start = [], time.time()
        for k, campaign in enumerate(campaigns):
            await asyncio.sleep(max(0.0, start + (k + 0.5) * spacing - time.time()))
            ctx.alive()
            timeout = ctx.args.probe_timeout
            done.append(await probe(producer, topic, partitions, shop, campaign, out, timeout))
        return done
    finally:
        await producer.stop()


async def wait_applied(ctx: Context, shop: str, campaign: str, out: Outputs) -> float:
    """The canary: one probe with no load, allowed ``CANARY_S``; seconds it took."""
    producer = _producer(ctx)
    await producer.start()
    topic = f"{ctx.app}.clicks.v1"
    try:
        partitions = len(await producer.partitions_for(topic))
        got = await probe(producer, topic, partitions, shop, campaign, out, CANARY_S)
    finally:
        await producer.stop()
    if got.result != "applied" or got.done is None:
        why = out.reasons.get(campaign, "no reason given")
        raise BenchError(f"the canary was not paused: {got} ({why})\n{tail(ctx.worker_log)}")
    return got.done - got.sent


@dataclass(frozen=True)
class Produced:
    """What the load generator produced inside the measured window."""

    events: int
    orders: dict[str, float]  # order id -> wall clock before its envelope was sent
    acked: dict[str, float]  # order id -> wall clock when the broker acknowledged it


def read_load(log: Path, t0: float, t1: float) -> Produced:
    """The events produced in [t0, t1), and the orders produced then, from the load's log."""
    events, orders, acked = 0, {}, {}
    for line in log.read_text().splitlines():
        kind, what, rest = line.split(" ", 2) if line.count(" ") == 2 else ("", "", "")
        if kind == "t" and t0 <= float(what) < t1:
            events += int(rest)
        elif kind == "o" and t0 <= float(rest) < t1:
            orders[what] = float(rest)
        elif kind == "a":
            acked[what] = float(rest)
    return Produced(events, orders, acked)


def load_average() -> float:
    """The machine's 1-minute load average (other engineers' processes included)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


def _cpus(ctx: Context, load: subprocess.Popen[bytes]) -> tuple[float, float, float, float]:
    worker, broker, gen = (cpu_seconds(p) for p in (ctx.worker.pid, ctx.broker_pid, load.pid))
    return time.monotonic(), worker, broker, gen


async def measure_rate(
    ctx: Context, rate: float, shop: str, campaigns: list[str], out: Outputs
) -> Row:
    a = ctx.args
    log, stdout = ctx.workdir / f"load-{rate:.0f}.log", ctx.workdir / f"load-{rate:.0f}.out"
    cmd = [sys.executable, str(LOAD), "--bootstrap", ctx.bootstrap, "--app", ctx.app]
    cmd += ["--rate", str(rate), "--seconds", str(a.warmup + a.seconds + 0.5), "--log", str(log)]
    cmd += ["--seed", str(a.seed), "--tick", str(a.tick), "--attack-every", str(a.attack_every)]
    with running(cmd, os.environ, ctx.workdir, stdout) as load:
        await _ready(load, log, stdout)
        await asyncio.sleep(a.warmup)
        t0, before = time.time(), _cpus(ctx, load)
        probes = await _probes(ctx, shop, campaigns, out)
        await asyncio.sleep(max(0.0, t0 + a.seconds - time.time()))
        t1, after = time.time(), _cpus(ctx, load)
        busy = load_average()
        await asyncio.to_thread(_wait, load, 30)
        if load.returncode != 0:
            raise BenchError(f"the load generator failed ({load.returncode})\n{tail(stdout)}")
    await asyncio.sleep(DRAIN_S)
    ctx.alive()
    return row(rate, busy, read_load(log, t0, t1), (t0, t1), (before, after), probes, out)


async def _ready(load: subprocess.Popen[bytes], log: Path, stdout: Path) -> None:
    """Until the load generator has made its ticks and starts sending (its log exists)."""
    deadline = time.monotonic() + READY_S
    while not os.path.exists(log):  # noqa: ASYNC240 (a stat, every 50 ms)
        if load.poll() is not None or time.monotonic() > deadline:
            raise BenchError(f"the load generator did not start\n{tail(stdout)}")
        await asyncio.sleep(0.05)


def _wait(proc: subprocess.Popen[bytes], seconds: float) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(seconds)


def hops(orders: dict[str, float], seen: dict[str, Seen], out: Outputs) -> dict[str, list[float]]:
    """Where each judged order's time went, hop by hop, from the producer timestamps of
    the records warroom sent on (orders whose every step was read)."""
    steps: dict[str, list[float]] = {hop: [] for hop in HOPS}
    for o, verdict in seen.items():
        routed, hit = out.routed.get(o), out.hit.get(o)
        if routed is None or hit is None:
            continue
        times = (orders[o], routed, hit, verdict.stamp, verdict.at)
        for hop, (a, b) in zip(HOPS, itertools.pairwise(times), strict=True):
            steps[hop].append(b - a)
    return steps


def row(
    rate: float,
    busy: float,
    made: Produced,
    window: tuple[float, float],
    cpus: tuple[tuple[float, ...], tuple[float, ...]],
    probes: list[Probe],
    out: Outputs,
) -> Row:
    (t0, t1), (before, after) = window, cpus
    orders = made.orders
    seen = {o: out.verdicts[o] for o in orders if o in out.verdicts}
    wall = after[0] - before[0]
    cores = [(b - a) / wall for a, b in zip(before[1:], after[1:], strict=True)]
    return Row(
        rate=rate,
        achieved=made.events / (t1 - t0),
        verdicts=[s.at - orders[o] for o, s in seen.items()],
        reader=[s.at - s.stamp for s in seen.values()],
        producer=[made.acked[o] - orders[o] for o in seen if o in made.acked],
        hops=hops(orders, seen, out),
        actions=[p.done - p.sent for p in probes if p.result == "applied" and p.done],
        decided=[p.proposed - p.sent for p in probes if p.proposed],
        probes=len(probes),
        failures=dict(Counter(p.result for p in probes if p.result != "applied")),
        worker_cpu=cores[0],
        broker_cpu=cores[1],
        load_cpu=cores[2],
        load_average=busy,
    )
