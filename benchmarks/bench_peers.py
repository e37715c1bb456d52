"""warroom's worker against its peers, side by side on one embedded tansu broker.

    .venv/bin/python benchmarks/bench_peers.py [--events N] [--only warroom,bare,naive,quix]

The variants read the same N simulated events (about 85% clicks, 15% orders): warroom
(``warroom serve``, every agent, JSON-array envelopes), the bare per-message Faust
consume rate, a naive per-event Faust implementation of the same rules (``faust.Record``
per event, Tables with changelogs, one send per verdict) and a Quix Streams
implementation (sliding window per IP, state per campaign). Each is timed from its first
counted event to its N-th; it prints events/s, CPU and events per CPU-second for each,
and the ratios warroom ÷ each. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from bench_pipeline import BASELINES, fill_topics, say
from pipeline.bare_phase import measure_bare
from pipeline.children import BenchError, child_pid, stop_on_sigterm
from pipeline.peer_report import PeerReport, print_peer_report
from pipeline.peers import INPUTS, create_inputs, keyed, measure_peer, produce_keyed, quix_installed
from pipeline.report import machine_facts
from pipeline.sampling import Phase
from pipeline.warroom_phase import measure_warroom
from pipeline.workload import Workload, expected_verdicts, generate

from warroom.streams.broker import embedded_broker

VARIANTS = ("warroom", "bare", "naive", "quix")


def fill_peer_topics(bootstrap: str, prefix: str, work: Workload, partitions: int) -> None:
    """The peers' inputs: one keyed event per message, on topics with a retention."""
    create_inputs(bootstrap, prefix, partitions)
    for kind in INPUTS:
        messages = keyed(kind, work.events[kind], partitions)
        asyncio.run(produce_keyed(bootstrap, f"{prefix}.{kind}", messages))


def measure(args: argparse.Namespace, report: PeerReport, phase: Callable[[str], Phase]) -> None:
    """Each chosen variant, one after the other, into ``report``."""
    run_id, prefix = args.run_id, f"peer{args.run_id}"
    if "warroom" in args.only:
        say("measuring warroom serve")
        expected = report.expected_verdicts
        report.warroom, report.downstream = measure_warroom(
            phase(f"wr{run_id}"), args.partitions, expected, report.work.activities
        )
        report.rows.append(report.warroom)
    for scheme in BASELINES if "bare" in args.only else ():
        say(f"measuring the bare Faust baseline on {scheme}://")
        where = phase(f"bare{run_id}{scheme}")
        report.rows.append(measure_bare(where, f"bare{run_id}.events", scheme))
    naive = ["--topics", prefix, "--partitions", str(args.partitions)]
    peer_args = {
        "naive": [*naive, "--scheme", args.naive_scheme],
        "quix": ["--topics", prefix, "--state-dir", "quix-state"],
    }
    for peer in ("naive", "quix"):
        if peer in args.only:
            say(f"measuring the {peer} peer")
            row, verdicts = measure_peer(phase(f"{peer}{run_id}"), peer, peer_args[peer])
            report.rows.append(row)
            report.verdicts[row.label] = verdicts


def run(args: argparse.Namespace) -> PeerReport:
    """Generate, produce every variant's input, then measure the variants in turn."""
    began = time.monotonic()
    work = generate(args.events, args.seed)
    report = PeerReport(work, args.seed, args.partitions, expected_verdicts(work.events["orders"]))
    say(f"generated {work.size:,} events in {time.monotonic() - began:.1f} s")
    args.run_id = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="warroom-peers-") as tmp, embedded_broker() as boot:
        broker_pid = child_pid("tansu")
        began = time.monotonic()
        fill_topics(args, work, boot, args.run_id)
        fill_peer_topics(boot, f"peer{args.run_id}", work, args.partitions)
        say(f"produced {work.size:,} events three times in {time.monotonic() - began:.1f} s")

        def phase(app_id: str) -> Phase:
            workdir = Path(tmp) / app_id
            workdir.mkdir()
            deadline = time.monotonic() + args.timeout
            return Phase(boot, broker_pid, app_id, workdir, work.size, deadline, args.poll)

        measure(args, report, phase)
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=40_000, help="N, events per variant")
    p.add_argument("--seed", type=int, default=7, help="simulator seed")
    p.add_argument("--partitions", type=int, default=4, help="partitions of every topic")
    p.add_argument("--envelope", type=int, default=500, help="events per warroom message")
    p.add_argument("--timeout", type=float, default=300, help="seconds allowed per phase")
    p.add_argument("--poll", type=float, default=0.05, help="seconds between count samples")
    p.add_argument(
        "--naive-scheme", choices=BASELINES, default="kafka", help="the naive peer's transport"
    )
    p.add_argument("--only", default=",".join(VARIANTS), help="variants, comma-separated")
    args = p.parse_args(argv)
    args.only = set(args.only.split(","))
    if unknown := args.only - set(VARIANTS):
        p.error(f"unknown variants {sorted(unknown)}; choose from {', '.join(VARIANTS)}")
    if args.events < 1000:
        p.error("--events must be at least 1000 to measure a rate")
    if "quix" in args.only and not quix_installed():
        say("quixstreams is not installed (pip install -e '.[bench]'): the Quix peer is left out")
        args.only.discard("quix")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    say(machine_facts())
    try:
        report = run(args)
    except KeyboardInterrupt:
        say("interrupted; the workers and the broker are stopped")
        return 130
    except BenchError as exc:
        print(f"bench_peers: {exc}", file=sys.stderr)
        return 1
    print_peer_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
