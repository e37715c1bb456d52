"""warroom's HTTP API under a real HTTP client: ingest events/s and campaign CRUD req/s.

    .venv/bin/python benchmarks/bench_api.py [--events 40000] [--concurrency 16]

One embedded tansu broker and one ``python -m warroom serve`` (every agent, the API, a
fresh store, app id and admin key). httpx (async) sends, with at most ``--concurrency``
requests in flight: POST /v1/events/orders with envelopes of 1, 100 and 1000 simulated
orders (``--events`` per size, at most ``--requests`` requests), then POST, GET, list and
PATCH on /v1/campaigns (``--crud`` each). Every request must succeed. It prints req/s,
events/s, latency p50/p99 and the CPU of the server, the broker and the client, and the
ratios between envelope sizes. See benchmarks/README.md.
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

import httpx
import orjson
from api.load import Processes, Run, accepted, expect, send_all
from api.report import crud_ratio, failures, ingest_ratios, table
from api.requests import SHOP, crud_requests, fresh, ingest_requests, sample_orders
from bench_latency import serve_env, wait_for_api
from pipeline.children import BenchError, child_pid, running, stop_on_sigterm, tail
from pipeline.peer_report import load_line
from pipeline.report import machine_facts
from pipeline.warroom_phase import admin_token

from warroom.streams.broker import embedded_broker, free_port

SIZES = (1, 100, 1000)
#: Expected status per CRUD step.
STATUS = {"POST": 201, "GET": 200, "PATCH": 200}


def say(line: str) -> None:
    """Progress, on stderr so that stdout holds only the report."""
    print(f"· {line}", file=sys.stderr, flush=True)


async def measure(
    url: str, token: str, procs: Processes, args: argparse.Namespace
) -> tuple[list[Run], list[Run]]:
    """The ingest runs (one per envelope size), then the CRUD runs (one per step)."""
    run_id = uuid.uuid4().hex[:6]
    orders = fresh(sample_orders(args.seed), run_id)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30, limits=limits) as c:
        ingest = []
        for size in SIZES:
            count = max(args.min_requests, min(args.requests, args.events // size))
            reqs = ingest_requests(orders, size, count)
            say(f"ingest: {count:,} requests of {size:,} orders")
            label = f"POST /v1/events/orders, {size:,} a request"
            ingest.append(await send_all(c, label, reqs, accepted(size), args.concurrency, procs))
        shop = f"bench-{run_id}"
        resp = await c.post("/v1/shops", content=orjson.dumps({"id": shop, **SHOP}))
        if resp.status_code != 201:
            raise BenchError(f"POST /v1/shops: {resp.status_code} {resp.text[:200]}")
        crud = []
        for label, reqs in crud_requests(shop, run_id, args.crud).items():
            say(f"CRUD: {len(reqs):,} x {label}")
            check = expect(STATUS[label.split()[0]])
            crud.append(await send_all(c, label, reqs, check, args.concurrency, procs))
    return ingest, crud


def run(args: argparse.Namespace) -> tuple[list[Run], list[Run], str]:
    """Start the broker and warroom serve, wait for its API, then measure; the runs and
    the tail of warroom's log."""
    app, token = f"api{uuid.uuid4().hex[:8]}", admin_token()
    with tempfile.TemporaryDirectory(prefix="warroom-api-") as tmp, embedded_broker() as boot:
        work, port = Path(tmp), free_port()
        log = work / "warroom.log"
        env = serve_env(boot, app, port, token, work / "data", args.partitions)
        cmd = [sys.executable, "-m", "warroom", "serve"]
        with running(cmd, env, work, log) as proc:
            url = f"http://127.0.0.1:{port}"
            wait_for_api(url, token, proc.poll, log)
            procs = Processes(proc.pid, child_pid("tansu"))
            try:
                runs = asyncio.run(asyncio.wait_for(measure(url, token, procs, args), args.timeout))
            except TimeoutError:
                raise BenchError(f"not done in {args.timeout:.0f} s\n{tail(log)}") from None
        return *runs, tail(log)


def print_report(args: argparse.Namespace, ingest: list[Run], crud: list[Run], log: str) -> int:
    """The tables, ratios and failures (with the tail of warroom's log); 1 when a request
    failed."""
    print(machine_facts())
    print(
        f"one `warroom serve` (every agent, API, defaults), {args.partitions} partitions; "
        f"httpx {httpx.__version__} async, {args.concurrency} requests in flight"
    )
    print()
    print("\n".join(table(ingest, with_events=True)))
    print()
    print("\n".join(ingest_ratios(ingest)))
    print()
    print("\n".join(table(crud, with_events=False)))
    print(crud_ratio(crud))
    print(load_line())
    failed = failures(ingest + crud)
    if failed:
        print("\n".join([*failed, "--- the end of warroom's log ---", log]))
    return 1 if failed else 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=20_000, help="orders per envelope size")
    p.add_argument("--requests", type=int, default=1_000, help="most requests per size")
    p.add_argument("--min-requests", type=int, default=20, help="fewest requests per size")
    p.add_argument("--crud", type=int, default=200, help="requests per CRUD step")
    p.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    p.add_argument("--partitions", type=int, default=4, help="partitions of every topic")
    p.add_argument("--seed", type=int, default=7, help="simulator seed")
    p.add_argument("--timeout", type=float, default=600, help="seconds allowed in all")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    say(machine_facts())
    began = time.monotonic()
    try:
        ingest, crud, log = run(args)
    except KeyboardInterrupt:
        say("interrupted; warroom and the broker are stopped")
        return 130
    except BenchError as exc:
        print(f"bench_api: {exc}", file=sys.stderr)
        return 1
    say(f"done in {time.monotonic() - began:.0f} s")
    return print_report(args, ingest, crud, log)


if __name__ == "__main__":
    sys.exit(main())
