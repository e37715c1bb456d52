"""``warroom demo | serve | worker | api | simulate | backtest | eval | bench``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from warroom.errors import WarroomError
from warroom.observability.logs import configure as configure_logging
from warroom.runner import external, run_worker
from warroom.settings import Settings, get_settings, use_settings

log = logging.getLogger("warroom")
#: Partitions of every topic on the embedded broker (see ``kafka``).
EMBEDDED_PARTITIONS = 1


@contextlib.contextmanager
def kafka(settings: Settings) -> Iterator[Settings]:
    """The settings with the configured Kafka, or with an embedded tansu broker that runs
    for the duration of the block. The embedded broker keeps its topics in memory for this
    one process, so they get one partition unless ``WARROOM_PARTITIONS`` says otherwise:
    every partition of every internal topic is one more message per hop per batch, and one
    worker decides 2-3× sooner on one partition than on four (README, Benchmarks)."""
    if settings.kafka_bootstrap:
        yield settings
        return
    from warroom.streams.broker import embedded_broker

    update: dict[str, object] = {}
    if "partitions" not in settings.model_fields_set:
        update["partitions"] = EMBEDDED_PARTITIONS
    with embedded_broker(settings.tansu_bin, host="127.0.0.1") as bootstrap:
        yield use_settings(settings.model_copy(update={**update, "kafka_bootstrap": bootstrap}))


def demo_setup(settings: Settings, seed: int) -> dict[str, str]:
    """The demo's store: the simulated world's shops, products and campaigns (so that the
    budget rules have campaigns to judge), the playbook's rules in enforce mode (the ad
    platform is the simulator's), a creative A/B test, and one fresh key per role, printed."""
    import random

    from warroom.api.runtime import open_store
    from warroom.sim.seed import seed_ab_test, seed_store
    from warroom.sim.world import build_world
    from warroom.store.keys import ROLES, create_key
    from warroom.store.rulebook import enforce_playbook
    from warroom.streams.names import topic_name

    store = open_store(settings)
    with store.session() as session:
        world = build_world(random.Random(seed))
        seed_store(session, world)
        enforce_playbook(session, "demo", topic_name("control"))
        seed_ab_test(session, world, topic_name("control"))
        keys = {r: create_key(session, f"demo {r}", r, None, "demo")[1] for r in ROLES}
    store.dispose()
    return keys


def preflight(settings: Settings) -> None:
    """Refuse to start with a weak configured secret, before starting anything; load the
    embedded warehouse's engine while this is the only thread."""
    if settings.admin_key:
        from warroom.store.keys import check_strength

        check_strength(settings.admin_key)
    if not settings.clickhouse_dsn:
        from warroom.store.warehouse.chdb_backend import load_chdb

        load_chdb()


def cmd_demo(args: argparse.Namespace) -> None:
    settings = get_settings()
    preflight(settings)
    with contextlib.ExitStack() as stack:
        if "data_dir" not in settings.model_fields_set:  # a fresh store per demo run
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="warroom-demo-"))
            settings = use_settings(settings.model_copy(update={"data_dir": Path(tmp)}))
        settings = stack.enter_context(kafka(settings))
        run_worker(
            settings,
            with_api=True,
            rate=args.rate,
            seed=args.seed,
            keys=demo_setup(settings, args.seed),
        )


def cmd_serve(args: argparse.Namespace) -> None:
    settings = get_settings()
    preflight(settings)
    with kafka(settings) as settings:
        run_worker(settings, with_api=True)


def cmd_worker(args: argparse.Namespace) -> None:
    settings = get_settings()
    preflight(settings)
    run_worker(settings, with_api=False)


def cmd_api(args: argparse.Namespace) -> None:
    import uvicorn

    from warroom.api.main import create_api
    from warroom.observability.logs import log_config

    settings = get_settings()
    preflight(settings)
    api = create_api(settings, external(settings))
    uvicorn.run(
        api,
        host=settings.web_host,
        port=settings.web_port or 8000,
        timeout_graceful_shutdown=1,
        log_config=log_config(settings.log_format, access_log=True),
    )


def cmd_keys(args: argparse.Namespace) -> None:
    """Create, list or revoke API keys directly in the store (for the first admin key)."""
    from warroom.api.runtime import open_store
    from warroom.store import keys

    store = open_store(get_settings())
    with store.session() as session:
        if args.action == "create":
            shops = args.shops.split(",") if args.shops else None
            key, token = keys.create_key(session, args.name, args.role, shops, "cli")
            print(f"{token}\n(key {key.id}, role {key.role}; the secret is shown only once)")
        elif args.action == "revoke":
            if keys.revoke(session, args.key_id, "cli") is None:
                raise WarroomError(f"no key {args.key_id}")
        else:
            for k in keys.list_keys(session):
                print(keys.public(k))
    store.dispose()


def save_stream(args: argparse.Namespace) -> None:
    """``simulate --save FILE``: a day (``--hours``) of simulated time with every attack,
    written as NDJSON with its ground truth; nothing is sent."""
    import time

    from warroom.sim.calendar import local_midnight
    from warroom.sim.files import save
    from warroom.sim.stream import generate

    stream = generate(args.seed, local_midnight(-2, time.time()), args.hours, args.events)
    save(stream, args.save)
    print(f"saved {len(stream.events)} events, {len(stream.attacks)} attacks", file=sys.stderr)


def cmd_simulate(args: argparse.Namespace) -> None:
    from warroom.sim.files import load
    from warroom.sim.run import replay, simulate
    from warroom.sim.sinks import HttpSink, KafkaSink, Sink

    if args.save:
        save_stream(args)
        return
    settings = get_settings()
    sink: Sink
    if args.http:
        if not args.key:
            raise WarroomError("--http needs --key (an ingest or admin API key)")
        sink = HttpSink(args.http, args.key)
    else:
        sink = KafkaSink(args.kafka or external(settings), topic_prefix=settings.app_id)
    if args.replay:
        sent = asyncio.run(replay(sink, load(args.replay), args.rate))
        print(f"replayed {sent} events from {args.replay}", file=sys.stderr)
        return
    traffic = asyncio.run(
        simulate(sink, args.rate, args.seed, args.duration, args.attack_every, args.truth)
    )
    print(f"sent traffic with {len(traffic.attacks)} attacks", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> None:
    from warroom.evaluation.command import Options, run

    opts = Options(
        seed=args.seed,
        quick=args.quick,
        risk=args.only != "budget",
        budget=args.only != "risk",
        stream=args.stream,
        save_stream=args.save_stream,
        rate=args.rate,
    )
    print(run(opts, args.json), flush=True)


def cmd_backtest(args: argparse.Namespace) -> None:
    """Replay a rule (its draft, a version, or a draft from a file) over warehouse history."""
    import json

    from warroom.backtest.run import backtest_from_settings

    draft = None
    if args.draft:
        text = sys.stdin.read() if args.draft == "-" else Path(args.draft).read_text()
        draft = json.loads(text)
    found = backtest_from_settings(
        get_settings(), args.rule_id, args.since, args.until, draft, args.version
    )
    print(found.model_dump_json(indent=2))


#: ``warroom bench`` names, in the order ``all`` runs them (``benchmarks/bench_<name>.py``).
BENCHES = (
    "peers",
    "pipeline",
    "latency",
    "api",
    "sink",
    "models",
    "reports",
    "backtest",
    "cost",
    "condition",
    "checkpoints",
)


def cmd_bench(args: argparse.Namespace) -> None:
    """Run one benchmark of the source tree's ``benchmarks/`` (or each), printing its report."""
    import subprocess

    where = Path(__file__).resolve().parent.parent / "benchmarks"
    if args.name == "all" and args.options:
        raise WarroomError("options go after one benchmark's name, e.g. warroom bench peers -h")
    names = BENCHES if args.name == "all" else (args.name,)
    scripts = [where / f"bench_{name}.py" for name in names]
    if not any(script.exists() for script in scripts):
        raise WarroomError(f"no benchmarks in {where}: run warroom bench from a source checkout")
    for script in (s for s in scripts if s.exists()):
        print(f"== {script.name} {' '.join(args.options)}".rstrip(), flush=True)
        done = subprocess.run([sys.executable, str(script), *args.options], check=False)
        if done.returncode != 0:
            raise WarroomError(f"{script.name} failed (exit code {done.returncode})")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="warroom", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="embedded broker + worker + API + simulator, one process")
    demo.add_argument("--rate", type=float, default=200, help="simulated events per second")
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(func=cmd_demo)
    sub.add_parser("serve", help="embedded (or configured) broker + worker + API").set_defaults(
        func=cmd_serve
    )
    sub.add_parser("worker", help="a stream worker on WARROOM_KAFKA_BOOTSTRAP").set_defaults(
        func=cmd_worker
    )
    sub.add_parser("api", help="the API alone on WARROOM_KAFKA_BOOTSTRAP").set_defaults(
        func=cmd_api
    )
    sim = sub.add_parser("simulate", help="send simulated traffic over HTTP or Kafka")
    sim.add_argument("--rate", type=float, default=200, help="events per second")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--duration", type=float, default=None, help="seconds; default: until Ctrl-C")
    sim.add_argument("--attack-every", type=float, default=10.0, help="seconds between bursts")
    sim.add_argument("--truth", type=Path, default=None, help="write the attacks (JSON lines)")
    sim.add_argument(
        "--save", type=Path, help="write a simulated-time stream (NDJSON), send nothing"
    )
    sim.add_argument("--hours", type=float, default=24, help="simulated hours for --save")
    sim.add_argument("--events", type=int, default=100_000, help="about this many, for --save")
    sim.add_argument("--replay", type=Path, help="send a saved stream (at most --rate events/s)")
    target = sim.add_mutually_exclusive_group()
    target.add_argument("--http", help="API base URL, e.g. http://127.0.0.1:8000")
    sim.add_argument("--key", help="API key for --http (role ingest or admin)")
    target.add_argument("--kafka", help="bootstrap host:port (default WARROOM_KAFKA_BOOTSTRAP)")
    sim.set_defaults(func=cmd_simulate)
    bt = sub.add_parser("backtest", help="replay a rule over the warehouse's history")
    bt.add_argument("rule_id")
    bt.add_argument("--since", type=datetime.fromisoformat, required=True, help="ISO, with zone")
    bt.add_argument("--until", type=datetime.fromisoformat, required=True, help="ISO, excluded")
    bt.add_argument("--draft", help="a rule body (JSON file, - for stdin); default: saved draft")
    bt.add_argument("--version", type=int, help="a published version instead of the draft")
    bt.set_defaults(func=cmd_backtest)
    ev = sub.add_parser("eval", help="decision quality against the simulator's ground truth")
    ev.add_argument("--seed", type=int, default=7)
    ev.add_argument("--quick", action="store_true", help="a small run (under a minute)")
    ev.add_argument("--only", choices=("risk", "budget"), help="one half of the evaluation")
    ev.add_argument("--json", type=Path, default=Path("warroom-eval.json"), help="JSON output")
    ev.add_argument("--stream", type=Path, help="replay a saved stream (NDJSON) for the risk half")
    ev.add_argument("--save-stream", type=Path, help="save the generated stream (NDJSON)")
    ev.add_argument("--rate", type=float, default=2500, help="events/s sent to the worker")
    ev.set_defaults(func=cmd_eval)
    bench = sub.add_parser("bench", help="run the side-by-side benchmarks (benchmarks/)")
    bench.add_argument("name", nargs="?", choices=(*BENCHES, "all"), default="all")
    bench.add_argument("options", nargs=argparse.REMAINDER, help="passed to the benchmark")
    bench.set_defaults(func=cmd_bench)
    keys = sub.add_parser("keys", help="create, list or revoke API keys in the store")
    keys.add_argument("action", choices=("create", "list", "revoke"))
    keys.add_argument("key_id", nargs="?", help="for revoke")
    keys.add_argument(
        "--role", default="viewer", choices=("admin", "buyer", "risk", "ingest", "viewer")
    )
    keys.add_argument("--name", default="cli key")
    keys.add_argument("--shops", help="comma-separated shop ids; default: every shop")
    keys.set_defaults(func=cmd_keys)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    configure_logging(get_settings().log_format)
    try:
        args.func(args)
    except WarroomError as exc:
        print(f"warroom: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        pass
