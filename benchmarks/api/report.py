"""The printed report of ``bench_api.py``: a table per part, ratios, and the limits."""

from __future__ import annotations

import math
import statistics

from .load import Run


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _cores(cpu: float, run: Run) -> str:
    return f"{cpu / run.seconds:.0%}" if run.seconds > 0 else "n/a"


def table(runs: list[Run], with_events: bool) -> list[str]:
    """One row per run: requests, seconds, req/s (events/s), latency, CPU shares."""
    head = f"{'request':<40} {'requests':>8} {'seconds':>8} {'req/s':>8}"
    head += f" {'events/s':>9}" if with_events else ""
    head += f" {'p50 ms':>7} {'p99 ms':>7} {'server CPU':>10} {'broker CPU':>10} {'client CPU':>10}"
    lines = [head, "-" * len(head)]
    for r in runs:
        line = f"{r.label:<40} {r.requests:>8,} {r.seconds:>8.2f} {r.req_rate:>8,.0f}"
        line += f" {r.event_rate:>9,.0f}" if with_events else ""
        p50, p99 = quantile(r.latencies_ms, 0.5), quantile(r.latencies_ms, 0.99)
        line += f" {p50:>7.1f} {p99:>7.1f} {_cores(r.server_cpu, r):>10}"
        line += f" {_cores(r.broker_cpu, r):>10} {_cores(r.client_cpu, r):>10}"
        lines.append(line)
    return lines


def ingest_ratios(runs: list[Run]) -> list[str]:
    """events/s of each envelope size ÷ that of single events, and per server CPU-second."""
    base = runs[0]
    lines = []
    for r in runs[1:]:
        per_cpu = (r.events / r.server_cpu) / (base.events / base.server_cpu)
        lines.append(
            f"ratio {r.label} ÷ {base.label}: {r.event_rate / base.event_rate:.1f}× events/s, "
            f"{per_cpu:.1f}× events per server CPU-second"
        )
    for r in runs:
        if r.server_cpu > 0:
            lines.append(f"{r.label}: {r.events / r.server_cpu:,.0f} events per server CPU-second")
    return lines


def crud_ratio(runs: list[Run]) -> str:
    """Mean req/s of the CRUD steps, and reads ÷ writes."""
    reads = [r.req_rate for r in runs if r.label.startswith("GET")]
    writes = [r.req_rate for r in runs if not r.label.startswith("GET")]
    if not reads or not writes:
        return ""
    ratio = statistics.mean(reads) / statistics.mean(writes)
    return f"CRUD: reads ÷ writes {ratio:.1f}× req/s"


def failures(runs: list[Run]) -> list[str]:
    """Each run's failed requests, counted by answer (status code or error), and the
    first of each kind."""
    lines = []
    for r in runs:
        kinds: dict[str, list[str]] = {}
        for failure in r.failures:
            answer = failure.split(": ", 1)[-1]
            kinds.setdefault(answer.split()[0].split("(")[0], []).append(failure)
        for kind, found in kinds.items():
            lines.append(f"FAILED {len(found)} of {r.requests} {r.label} ({kind}): {found[0]}")
    return lines
