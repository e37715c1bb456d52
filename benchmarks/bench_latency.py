"""Event -> verdict and event -> applied action latency of one ``warroom serve`` worker
under fixed background rates, on one embedded tansu broker.

    .venv/bin/python benchmarks/bench_latency.py [--rates 1000 5000] [--seconds 40]

For each rate, a child process produces simulated traffic at that rate (``latency/load.py``)
while this process reads warroom's verdicts and decisions as they come and, one campaign
at a time, burns money on a fresh campaign and waits for the actuator to pause it. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import httpx
from latency.listen import Outputs, listen
from latency.probes import SetupError, setup
from latency.report import Row, print_report
from latency.run import Context, measure_rate, wait_applied
from pipeline.children import BenchError, child_pid, running, stop_on_sigterm, tail
from pipeline.report import machine_facts
from pipeline.warroom_phase import admin_token, stats_reader

from warroom.streams.broker import embedded_broker, free_port

#: Seconds the worker may take to start and answer on its API.
STARTUP_S = 90


def say(line: str) -> None:
    """Progress, on stderr so that stdout holds only the report."""
    print(f"· {line}", file=sys.stderr, flush=True)


def serve_env(
    boot: str, app: str, port: int, token: str, data: Path, partitions: int
) -> dict[str, str]:
    return {
        **os.environ,
        "WARROOM_KAFKA_BOOTSTRAP": boot,
        "WARROOM_APP_ID": app,
        "WARROOM_ADMIN_KEY": token,
        "WARROOM_WEB_PORT": str(port),
        "WARROOM_DATA_DIR": str(data),
        "WARROOM_PARTITIONS": str(partitions),
    }


def wait_for_api(url: str, token: str, proc_poll: object, log: Path) -> None:
    """Until ``/v1/stats`` answers (the worker then runs and every topic exists)."""
    headers = {"authorization": f"Bearer {token}"}
    deadline = time.monotonic() + STARTUP_S
    with httpx.Client(base_url=url, timeout=2, headers=headers) as client:
        read = stats_reader(client)
        while read() is None:
            if callable(proc_poll) and proc_poll() is not None:
                raise BenchError(f"warroom serve exited while starting\n{tail(log)}")
            if time.monotonic() > deadline:
                raise BenchError(f"warroom serve did not answer in {STARTUP_S} s\n{tail(log)}")
            time.sleep(0.2)


async def measure(ctx: Context, args: argparse.Namespace) -> list[Row]:
    """Set up the shop, campaigns and rule, check the loop with a canary, then each rate."""
    out = Outputs()
    ready = asyncio.Event()
    reader = asyncio.create_task(listen(ctx.bootstrap, ctx.app, out, ready))
    try:
        await asyncio.wait_for(ready.wait(), 20)
        headers = {"authorization": f"Bearer {ctx.token}"}
        async with httpx.AsyncClient(base_url=ctx.url, headers=headers, timeout=10) as client:
            shop, out.rule, campaigns = await setup(client, 1 + args.probes * len(args.rates))
        say(f"shop {shop}, {len(campaigns)} campaigns and an enforce-mode fast-stop rule set up")
        took = await wait_applied(ctx, shop, campaigns[0], out)
        say(f"canary campaign paused {took:.2f} s after its impressions (rule live)")
        rows = []
        for k, rate in enumerate(args.rates):
            mine = campaigns[1 + k * args.probes : 1 + (k + 1) * args.probes]
            say(f"background load {rate:,.0f} events/s for {args.warmup + args.seconds:.0f} s")
            rows.append(await measure_rate(ctx, rate, shop, mine, out))
        return rows
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


def run(args: argparse.Namespace) -> list[Row]:
    app = f"lat{uuid.uuid4().hex[:8]}"
    token = admin_token()
    with tempfile.TemporaryDirectory(prefix="warroom-latency-") as tmp, embedded_broker() as boot:
        work, port = Path(tmp), free_port()
        log = work / "warroom.log"
        env = serve_env(boot, app, port, token, work / "data", args.partitions)
        cmd = [sys.executable, "-m", "warroom", "serve"]
        began = time.monotonic()
        with running(cmd, env, work, log) as proc:
            url = f"http://127.0.0.1:{port}"
            wait_for_api(url, token, proc.poll, log)
            say(f"warroom serve answers at {url} after {time.monotonic() - began:.1f} s")
            ctx = Context(boot, app, url, token, args, work, proc, child_pid("tansu"), log)
            try:
                return asyncio.run(asyncio.wait_for(measure(ctx, args), args.timeout))
            except TimeoutError:
                raise BenchError(f"not done in {args.timeout:.0f} s\n{tail(log)}") from None


def header(args: argparse.Namespace) -> list[str]:
    return [
        machine_facts(),
        "one `warroom serve` worker (all agents, API, warehouse sink; defaults), "
        f"{args.partitions} partitions per topic; background: simulated clicks, orders and "
        f"payments (seed {args.seed}) as envelopes every {args.tick * 1000:.0f} ms, an IP burst "
        f"or near miss every {args.attack_every:g} s; {args.warmup:g} s warm-up, then "
        f"{args.seconds:g} s measured per rate with {args.probes} fast-stop probes one at a time",
        "verdict: order produced -> its first verdict read here; action: burning impressions "
        "produced -> the actuator's applied decision read here (ms)",
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rates", type=float, nargs="+", default=[1000, 5000], help="events/s")
    p.add_argument("--seconds", type=float, default=40, help="measured seconds per rate")
    p.add_argument("--warmup", type=float, default=5, help="load seconds before measuring")
    p.add_argument("--probes", type=int, default=25, help="action probes per rate")
    p.add_argument("--probe-timeout", type=float, default=10, help="seconds per action probe")
    p.add_argument("--partitions", type=int, default=4, help="partitions of every topic")
    p.add_argument("--seed", type=int, default=7, help="simulator seed")
    p.add_argument("--tick", type=float, default=0.05, help="seconds between load envelopes")
    p.add_argument("--attack-every", type=float, default=0.25, help="seconds between bursts")
    p.add_argument("--timeout", type=float, default=300, help="seconds allowed in all")
    args = p.parse_args(argv)
    if args.probes < 1 or args.seconds < 5 or min(args.rates) <= 0:
        p.error("need --probes >= 1, --seconds >= 5 and positive rates")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    say(machine_facts())
    try:
        rows = run(args)
    except KeyboardInterrupt:
        say("interrupted; the worker, the load and the broker are stopped")
        return 130
    except (BenchError, SetupError) as exc:
        print(f"bench_latency: {exc}", file=sys.stderr)
        return 1
    print_report(header(args), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
