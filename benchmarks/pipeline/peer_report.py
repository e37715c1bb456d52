"""The printed report of ``bench_peers.py``: one row per variant, ratios warroom ÷ each."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from .report import downstream_line, machine_facts, ratio_line, table, waiting_notes
from .sampling import Result
from .warroom_phase import Downstream
from .workload import Workload


@dataclass
class PeerReport:
    work: Workload
    seed: int
    partitions: int
    expected_verdicts: int
    rows: list[Result] = field(default_factory=list)
    warroom: Result | None = None
    downstream: Downstream | None = None
    verdicts: dict[str, int] = field(default_factory=dict)  # label -> verdicts sent


def versions() -> str:
    try:
        quix = version("quixstreams")
    except PackageNotFoundError:
        quix = "not installed"
    return f"quixstreams {quix}"


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average at the end: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def print_peer_report(r: PeerReport) -> None:
    w = r.work
    print(f"{machine_facts()}, {versions()}")
    print(
        f"events: N = {w.size:,} ({w.count('clicks'):,} clicks, {w.count('orders'):,} orders, "
        f"{w.attack_orders:,} in IP-burst attacks; seed {r.seed}), {r.partitions} partitions"
    )
    print()
    print("\n".join(table(r.rows)))
    print()
    if r.warroom is not None:
        for row in r.rows:
            if row is not r.warroom:
                print(ratio_line(r.warroom, row))
    if r.downstream is not None:
        print(downstream_line(r.downstream))
    for label, sent in r.verdicts.items():
        print(
            f"{label}: {sent:,} verdicts sent by its N-th event "
            f"(warroom's rule gives {r.expected_verdicts:,})"
        )
    for note in waiting_notes(r.rows):
        print(note)
    print(load_line())
