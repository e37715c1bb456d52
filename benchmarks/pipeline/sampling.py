"""Watching a worker: its count over time and the CPU it and the broker use meanwhile."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .children import BenchError, cpu_seconds

#: Seconds without progress after which a phase fails (a crashed agent, a stuck group).
STALL_S = 30


@dataclass(frozen=True)
class Phase:
    """Where a phase runs: the broker, the child's id and directory, its limits."""

    bootstrap: str
    broker_pid: int | None
    app_id: str
    workdir: Path
    events: int
    deadline: float  # time.monotonic() after which the phase fails
    poll_s: float


@dataclass(frozen=True)
class Sample:
    """What was counted at one moment, and the CPU seconds the worker and broker had used."""

    at: float  # time.monotonic()
    count: int
    worker_cpu: float
    broker_cpu: float


@dataclass(frozen=True)
class Usage:
    """CPU while a worker counted: cores busy (CPU seconds per wall second) and events per
    CPU second of the worker (a rate that other load on the machine hardly changes)."""

    worker_cores: float
    broker_cores: float
    events_per_cpu_s: float


@dataclass(frozen=True)
class Result:
    """One variant's throughput over its measured window."""

    label: str
    events: int  # events counted inside the window
    seconds: float
    startup_s: float  # process start to the first counted event
    usage: Usage

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else float("nan")


def watch(
    read: Callable[[], int | None], proc: subprocess.Popen[bytes], phase: Phase
) -> list[Sample]:
    """Sample ``read()`` until it reaches ``phase.events``; samples from the first non-zero.

    Fails when the worker exits, the deadline passes, or the count stalls for ``STALL_S``.
    """
    samples: list[Sample] = []
    moved = time.monotonic()
    while not samples or samples[-1].count < phase.events:
        got = samples[-1].count if samples else 0
        if proc.poll() is not None:
            raise BenchError(f"{phase.app_id}: the worker exited with code {proc.returncode}")
        if time.monotonic() > phase.deadline:
            raise BenchError(f"{phase.app_id}: timed out with {got:,} of {phase.events:,} counted")
        if samples and time.monotonic() - moved > STALL_S:
            raise BenchError(f"{phase.app_id}: stalled for {STALL_S} s at {got:,} counted")
        count = read()
        if count:
            at = time.monotonic()
            moved = at if count != got else moved
            samples.append(Sample(at, count, cpu_seconds(proc.pid), cpu_seconds(phase.broker_pid)))
        time.sleep(phase.poll_s)
    return samples


def usage(samples: list[Sample]) -> Usage:
    """CPU use of the worker and the broker from the first to the last sample."""
    first, last = samples[0], samples[-1]
    seconds, cpu = last.at - first.at, last.worker_cpu - first.worker_cpu
    if seconds <= 0 or cpu <= 0:
        return Usage(float("nan"), float("nan"), float("nan"))
    broker = (last.broker_cpu - first.broker_cpu) / seconds
    return Usage(cpu / seconds, broker, (last.count - first.count) / cpu)
