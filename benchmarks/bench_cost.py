"""Worker CPU per event over a whole job, Python's garbage-collector settings side by side.

    .venv/bin/python benchmarks/bench_cost.py [--events N] [--thresholds 10000 0]

For each ``WARROOM_GC_THRESHOLD`` (0 = Python's default of 700), one ``warroom serve``
on a fresh embedded broker (every agent, the API, the embedded warehouse sink): wait
until it idles, measure its idle CPU for a few seconds, produce N simulated events (the
``bench_pipeline`` workload, envelopes of 500), and wait until every event is in and
the warehouse holds every click. The figure is the worker's CPU time over that job,
minus its idle rate over the same time, per event. CPU time moves much less than
throughput when other processes share the machine, so this is the figure to compare
on a noisy machine; the variants alternate over ``--rounds``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests' process helpers

from pipeline.workload import envelopes, generate, produce

from tests.auth import ADMIN
from tests.conftest import start_warroom, stop_warroom
from warroom.streams.broker import embedded_broker

IDLE_S = 5.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


@dataclass(frozen=True)
class Job:
    threshold: int
    us_per_event: float
    idle_share: float
    seconds: float
    rss_mb: int
    verdicts: int


def run_job(n: int, threshold: int, seed: int, timeout: float) -> Job:
    work = generate(n, seed)
    clicks = work.count("clicks")
    with embedded_broker() as bootstrap, tempfile.TemporaryDirectory() as tmp:
        server = start_warroom(
            bootstrap, Path(tmp), WARROOM_GC_THRESHOLD=str(threshold), WARROOM_PARTITIONS="4"
        )
        try:
            client = httpx.Client(base_url=server.url, headers=ADMIN, timeout=30)
            pid = server.proc.pid
            time.sleep(IDLE_S)  # joined its groups, settled
            idle_from, idle_cpu = time.monotonic(), cpu_seconds(pid)
            time.sleep(IDLE_S)
            idle = (cpu_seconds(pid) - idle_cpu) / (time.monotonic() - idle_from)
            start, start_cpu = time.monotonic(), cpu_seconds(pid)
            for kind in ("clicks", "orders"):
                batches = envelopes(kind, work.events[kind], 4, 500)
                asyncio.run(produce(bootstrap, server.topic(kind), iter(batches)))
            while True:
                counters = client.get("/v1/stats").json()["counters"]
                valid = counters.get("events.clicks.valid", 0) + counters.get(
                    "events.orders.valid", 0
                )
                if valid >= n and counters.get("sink.rows.clicks", 0) >= clicks:
                    break
                if time.monotonic() - start > timeout:
                    raise TimeoutError(f"{valid} of {n} events in after {timeout:g} s")
                time.sleep(0.25)
            seconds = time.monotonic() - start
            used = cpu_seconds(pid) - start_cpu - idle * seconds
            return Job(
                threshold, used / n * 1e6, idle, seconds, rss_mb(pid), counters.get("verdicts", 0)
            )
        finally:
            stop_warroom(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60_000, help="N, events per job")
    parser.add_argument("--thresholds", type=int, nargs="+", default=[10_000, 0])
    parser.add_argument("--rounds", type=int, default=2, help="each threshold this often")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per job")
    args = parser.parse_args()
    print(f"N = {args.events:,} events per job (bench_pipeline's workload), 4 partitions")
    print("GC threshold   worker CPU per event   events per CPU-s   idle CPU   job s   RSS MB")
    jobs: dict[int, list[Job]] = {t: [] for t in args.thresholds}
    for _ in range(args.rounds):
        for threshold in args.thresholds:
            job = run_job(args.events, threshold, args.seed, args.timeout)
            jobs[threshold].append(job)
            label = f"{threshold:,}" if threshold else "700 (Python)"
            print(f"{label:>12}   {job.us_per_event:>15,.0f} µs   {1e6 / job.us_per_event:>16,.0f}"
                  f"   {job.idle_share:>7.0%}   {job.seconds:>5.1f}   {job.rss_mb:>6}",
                  flush=True)  # fmt: skip
    best = {t: min(j.us_per_event for j in js) for t, js in jobs.items()}
    first, *others = args.thresholds
    for other in others:
        print(f"ratio, best of each: threshold {first:,} ÷ {other or 700:,}: "
              f"{best[other] / best[first]:.2f}× the events per CPU-second")  # fmt: skip


if __name__ == "__main__":
    main()
