"""warroom's worker against a bare per-message Faust worker, on one embedded tansu broker.

    .venv/bin/python benchmarks/bench_pipeline.py [--events N]

Every variant reads the same N simulated events (about 85% clicks, 15% orders),
produced before its worker starts: warroom as JSON-array envelopes, the baseline as one
event per message. Each is timed from its first counted event to its N-th, so process
start and group join are left out. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from pipeline.bare_phase import measure_bare
from pipeline.children import BenchError, child_pid, stop_on_sigterm
from pipeline.report import Report, machine_facts, print_report
from pipeline.sampling import Phase
from pipeline.warroom_phase import measure_warroom
from pipeline.workload import Workload, envelopes, expected_verdicts, generate, produce, singles

from warroom.streams.admin import ensure_topics
from warroom.streams.broker import embedded_broker

#: The baseline's transports, in the order they run (see bare_faust.py --scheme).
BASELINES = ("kafka", "warroom")


def say(line: str) -> None:
    """Progress, on stderr so that stdout holds only the report."""
    print(f"· {line}", file=sys.stderr, flush=True)


def warroom_topics(app_id: str) -> list[str]:
    """Every topic warroom declares, under ``app_id`` instead of this process's prefix."""
    from warroom.settings import get_settings
    from warroom.streams import topics

    prefix = get_settings().app_id
    return [app_id + name.removeprefix(prefix) for name in topics.all_names()]


def fill_topics(args: argparse.Namespace, work: Workload, bootstrap: str, run_id: str) -> int:
    """Create the topics and produce the workload twice: as envelopes to warroom's input
    topics, one event per message to the baseline's topic. Returns the envelopes sent."""
    ensure_topics(bootstrap, warroom_topics(f"wr{run_id}"), args.partitions)
    ensure_topics(bootstrap, [f"bare{run_id}.events"], args.partitions)
    sent = 0
    for kind, events in work.events.items():
        batches = envelopes(kind, events, args.partitions, args.envelope)
        sent += asyncio.run(produce(bootstrap, f"wr{run_id}.{kind}.v1", batches))
        messages = singles(kind, events, args.partitions)
        asyncio.run(produce(bootstrap, f"bare{run_id}.events", messages))
    return sent


def run(args: argparse.Namespace) -> Report:
    """Generate, produce, then measure warroom and each baseline one after the other."""
    began = time.monotonic()
    work = generate(args.events, args.seed)
    expected = expected_verdicts(work.events["orders"])
    say(f"generated {work.size:,} events in {_since(began)}")
    run_id = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp, embedded_broker() as boot:
        broker_pid = child_pid("tansu")
        began = time.monotonic()
        sent = fill_topics(args, work, boot, run_id)
        say(f"produced {work.size:,} events twice to tansu at {boot} in {_since(began)}")

        def phase(app_id: str) -> Phase:
            workdir = Path(tmp) / app_id
            workdir.mkdir()
            deadline = time.monotonic() + args.timeout
            return Phase(boot, broker_pid, app_id, workdir, work.size, deadline, args.poll)

        say("measuring warroom serve")
        warroom, downstream = measure_warroom(
            phase(f"wr{run_id}"), args.partitions, expected, work.activities
        )
        baselines = []
        for scheme in BASELINES:
            say(f"measuring the bare Faust baseline on {scheme}://")
            where = phase(f"bare{run_id}{scheme}")
            baselines.append(measure_bare(where, f"bare{run_id}.events", scheme))
    return Report(
        work, args.seed, args.partitions, sent, args.envelope, warroom, downstream, baselines
    )


def _since(began: float) -> str:
    return f"{time.monotonic() - began:.1f} s"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=100_000, help="N, events per variant")
    p.add_argument("--seed", type=int, default=7, help="simulator seed")
    p.add_argument("--partitions", type=int, default=4, help="partitions of every topic")
    p.add_argument("--envelope", type=int, default=500, help="events per warroom message")
    p.add_argument("--timeout", type=float, default=180, help="seconds allowed per phase")
    p.add_argument("--poll", type=float, default=0.05, help="seconds between count samples")
    args = p.parse_args(argv)
    if args.events < 1000:
        p.error("--events must be at least 1000 to measure a rate")
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
        print(f"bench_pipeline: {exc}", file=sys.stderr)
        return 1
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
