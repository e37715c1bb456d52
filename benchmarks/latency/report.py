"""The printed report: one row per background rate, and the targets met or missed."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

#: Issue 5 / 9: verdict p99 under 100 ms at 5,000 events/s. Issue 4: action under 1 s.
VERDICT_P99_S = 0.100
VERDICT_AT_RATE = 5000
ACTION_S = 1.0
#: Below this share of the asked rate, the load generator itself fell short.
SHORT = 0.95


#: A verdict's way, hop by hop: the order sent on to orders-by-ip by the ingest agent, a
#: rule's hit on risk-hits, the summed verdict on the verdicts topic, read here.
HOPS = ("ingest", "rule", "judge", "read")


def quantile(values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile (p99 of fewer than 100 values is their maximum)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Row:
    rate: float  # asked, events/s
    achieved: float  # produced inside the window, events/s
    verdicts: list[float]  # seconds, order produced -> first verdict received
    reader: list[float]  # seconds, verdict stamped by warroom -> received here
    producer: list[float]  # seconds, order handed to the load's producer -> broker ack
    hops: dict[str, list[float]]  # seconds per hop (``HOPS``) of each judged order
    actions: list[float]  # seconds, impressions produced -> applied decision received
    decided: list[float]  # seconds, impressions produced -> proposed decision received
    probes: int  # probes sent; those missing from ``actions`` got no applied decision
    failures: dict[str, int]  # probe results other than applied
    worker_cpu: float  # share of one core
    broker_cpu: float
    load_cpu: float
    load_average: float  # the machine's, at the end of the window


def ms(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x * 1000:,.0f}"


def pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.0%}"


def table(rows: Sequence[Row]) -> list[str]:
    head = (
        f"{'rate/s':>7} {'achieved/s':>10} | {'verdict ms p50':>14} {'p95':>5} {'p99':>5} "
        f"{'max':>5} {'n':>5} | {'action ms p50':>13} {'p99':>5} {'max':>5} {'n':>6} | "
        f"{'worker CPU':>10} {'broker CPU':>10} {'load CPU':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        v, a = r.verdicts, r.actions
        vmax, amax = max(v, default=math.nan), max(a, default=math.nan)
        lines.append(
            f"{r.rate:>7,.0f} {r.achieved:>10,.0f} | {ms(quantile(v, 0.5)):>14} "
            f"{ms(quantile(v, 0.95)):>5} {ms(quantile(v, 0.99)):>5} {ms(vmax):>5} "
            f"{len(v):>5} | {ms(quantile(a, 0.5)):>13} {ms(quantile(a, 0.99)):>5} "
            f"{ms(amax):>5} {f'{len(a)}/{r.probes}':>6} | "
            f"{pct(r.worker_cpu):>10} {pct(r.broker_cpu):>10} {pct(r.load_cpu):>8}"
        )
    return lines


def verdict_target(rows: Sequence[Row]) -> str:
    goal = f"verdict p99 < {VERDICT_P99_S * 1000:.0f} ms at {VERDICT_AT_RATE:,} events/s"
    row = next((r for r in rows if r.rate == VERDICT_AT_RATE), None)
    if row is None or not row.verdicts:
        return f"target {goal}: not measured in this run"
    p99 = quantile(row.verdicts, 0.99)
    met = "met" if p99 < VERDICT_P99_S and row.achieved >= SHORT * row.rate else "MISSED"
    return f"target {goal}: {met} (p99 {ms(p99)} ms at {row.achieved:,.0f} events/s achieved)"


def action_target(rows: Sequence[Row]) -> str:
    goal = f"event -> applied action < {ACTION_S:g} s (ad platforms: 30 min)"
    parts = []
    for r in rows:
        p99 = quantile(r.actions, 0.99)
        ok = len(r.actions) == r.probes and p99 < ACTION_S
        parts.append(f"{'met' if ok else 'MISSED'} at {r.rate:,.0f}/s (p99 {ms(p99)} ms)")
    return f"target {goal}: " + "; ".join(parts)


def p50_p99(values: Sequence[float]) -> str:
    return f"p50 {ms(quantile(values, 0.5))} ms / p99 {ms(quantile(values, 0.99))} ms"


def notes(rows: Sequence[Row]) -> list[str]:
    out = []
    for r in rows:
        at = f"at {r.rate:,.0f}/s"
        if r.achieved < SHORT * r.rate:
            out.append(f"note {at}: the load generator produced only {r.achieved:,.0f} events/s")
        if r.failures:
            what = ", ".join(f"{n} {k}" for k, n in sorted(r.failures.items()))
            out.append(f"note {at}: probes without an applied decision: {what}")
        split = (
            f"impressions -> proposed decision p50 {ms(quantile(r.decided, 0.5))} ms, "
            f"p99 {ms(quantile(r.decided, 0.99))} ms"
        )
        out.append(f"{at}: {split}")
        out.append(
            f"{at}: of the verdict latency, the load's producer took {p50_p99(r.producer)} "
            f"(order sent -> broker ack), this benchmark's reader {p50_p99(r.reader)} "
            f"(verdict stamped by warroom -> read here); machine load average "
            f"{r.load_average:.1f} on {os.cpu_count()} cores"
        )
        if any(r.hops.values()):
            n = len(next(iter(r.hops.values())))
            each = ", ".join(f"{hop} {p50_p99(r.hops[hop])}" for hop in HOPS)
            out.append(f"{at}: hop by hop ({n:,} verdicts, producer timestamps): {each}")
    return out


def print_report(header: Sequence[str], rows: Sequence[Row]) -> None:
    print("\n".join(header))
    print()
    print("\n".join(table(rows)))
    print()
    print(verdict_target(rows))
    print(action_target(rows))
    print("\n".join(notes(rows)))
