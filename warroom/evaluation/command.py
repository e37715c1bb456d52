"""``warroom eval``: generate (or load) a stream, run the risk evaluation on a real worker
and the budget comparison in simulated time, print the tables and write the JSON."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from warroom.evaluation.budget import compare
from warroom.evaluation.report import render
from warroom.evaluation.risk_metrics import score
from warroom.evaluation.worker import run_stream, running_worker
from warroom.sim.calendar import local_midnight
from warroom.sim.files import load, save
from warroom.sim.stream import Stream, generate
from warroom.sim.world import build_world

#: Share of impressions and plays the risk stream keeps (every click, order, payment and
#: refund stays): the risk rules read none of them, and a bounded stream holds more orders.
AD_SHARE = 0.1


@dataclass(frozen=True)
class Options:
    """What to evaluate and how big: ``quick`` is for tests (under a minute)."""

    seed: int = 7
    quick: bool = False
    risk: bool = True
    budget: bool = True
    stream: Path | None = None  # replay this saved stream instead of generating one
    save_stream: Path | None = None
    rate: float = 2500.0  # events per second sent to the worker

    @property
    def hours(self) -> float:
        """Simulated hours of the risk stream: a day, or 01:00-04:00 (the night slot)."""
        return 3.0 if self.quick else 24.0

    @property
    def offset_s(self) -> float:
        """Where the risk stream starts after the shops' midnight."""
        return 3600.0 if self.quick else 0.0

    @property
    def budget_hours(self) -> float:
        """Simulated hours of the budget comparison: a day, or 11:00-15:00 (a live session)."""
        return 4.0 if self.quick else 24.0

    @property
    def budget_offset_s(self) -> float:
        return 11 * 3600.0 if self.quick else 0.0

    @property
    def events(self) -> int:
        return 15_000 if self.quick else 100_000

    @property
    def limit_s(self) -> float:
        return 120.0 if self.quick else 600.0


def start_of(seed_day_offset: int = -2) -> float:
    """The shops' midnight two days ago: event times in the past, never refused as future."""
    return local_midnight(seed_day_offset, time.time())


#: What the risk evaluation sends: the playbook's kinds (stock, searches, messages,
#: follows) lead to no verdict, and a saved full stream (``warroom simulate``) has them.
RISK_KINDS = frozenset({"clicks", "orders", "payments", "refunds"})


def risk_events(stream: Stream) -> Stream:
    """``stream`` without the kinds the risk evaluation does not send."""
    return replace(stream, events=[(k, e) for k, e in stream.events if k in RISK_KINDS])


def the_stream(opts: Options, start: float) -> Stream:
    if opts.stream is not None:
        return load(opts.stream)
    stream = generate(
        opts.seed, start + opts.offset_s, opts.hours, opts.events, AD_SHARE, playbook=False
    )
    if opts.save_stream is not None:
        save(stream, opts.save_stream)
    return stream


def evaluate_risk(stream: Stream, opts: Options) -> dict[str, Any]:
    stream = risk_events(stream)
    with running_worker() as worker:
        out = asyncio.run(run_stream(worker, stream, opts.rate, opts.limit_s))
    orders = {e["order_id"] for kind, e in stream.events if kind == "orders"}
    figures = score(out.seen, stream.attacks, orders, out.sent)
    return {
        **figures,
        "events": len(stream.events),
        "events_taken_in": out.consumed,
        "hours": stream.meta.get("hours"),
        "seconds": round(out.seconds, 1),
        "rate": opts.rate,
    }


def evaluate(opts: Options) -> dict[str, Any]:
    """Every figure, as the JSON ``warroom eval`` writes."""
    start = start_of()
    result: dict[str, Any] = {"seed": opts.seed, "mode": "quick" if opts.quick else "full"}
    if opts.risk:
        stream = the_stream(opts, start)
        result["risk"] = evaluate_risk(stream, opts)
    if opts.budget:
        world = build_world(random.Random(opts.seed))
        begin = start + opts.budget_offset_s
        result["budget"] = compare(world, opts.seed, begin, opts.budget_hours)
    return result


def run(opts: Options, json_path: Path) -> str:
    """Evaluate, write the JSON to ``json_path`` and return the tables."""
    began = time.monotonic()
    result = evaluate(opts)
    result["seconds"] = round(time.monotonic() - began, 1)
    json_path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return render(result)
