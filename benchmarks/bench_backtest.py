"""The night-surge backtest of a day of demo-like orders, order by order through the
agent's ``NightTally`` (the replay before the vectorised one) beside the backtest as it
runs now, on chdb, in one run; then every other risk kind over the same day.

    .venv/bin/python benchmarks/bench_backtest.py [--orders N] [--runs R] [--profile]

The day is ``bench_reports``' (``--orders`` random orders, default 100,000, an IP burst
of 9 orders every 10 s and a night surge of 4,000 orders of shop-1 from 02:05 Shanghai
time: 181,760 orders), only its orders table. Both sides replay a draft (factor 3)
beside the live version (factor 6), loading included, and must flag as many orders
(``tests/backtest/test_night_columns.py`` checks they are the same hits);
the median of ``--runs`` is printed, and their ratio. ``--profile`` prints where the
current backtest spends its time (cProfile of the loading and both replays). The other
kinds replay a looser draft beside the defaults over the day's payments (one per order),
refunds (3 %), verdicts and labels, also loading included.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks and tests helpers

from benchmarks.bench_reports import DAY, SHOPS, T0, _version, orders, payments, refunds, verdicts
from warroom.backtest import loaders
from warroom.backtest.plan import Plan
from warroom.backtest.report import risk_summary
from warroom.backtest.risk import Hits, replay_night
from warroom.backtest.run import backtest
from warroom.rules.risk import night_surge
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.baselines import load_hourly
from warroom.store.warehouse.chdb_backend import ChdbWarehouse
from warroom.store.warehouse.schema import apply_schema


def night_plan() -> Plan:
    draft = {"mode": "enforce", "params": {"factor": 3}}
    return Plan("risk.night_surge", "night_surge", "risk", "order", None,
                _version("night_surge", draft, "draft"), _version("night_surge", {}, "live"),
                zones=dict.fromkeys(SHOPS, "Asia/Shanghai"))  # fmt: skip


async def stepwise(warehouse: Warehouse, plan: Plan, since: datetime, until: datetime) -> list[int]:
    """The backtest before: every order of the day as an ``OrderRow`` and through
    ``NightTally`` one by one (what ``run.backtest`` did for night surges)."""
    rows = await loaders.orders(
        warehouse, since - timedelta(days=1), until, None, needs=frozenset({"shop_id", "sku"})
    )
    hourly = await load_hourly(warehouse, since)
    labels = await loaders.labels(warehouse, since, until)
    judged = await loaders.order_count(warehouse, since, until, None)
    amounts = {o.order_id: o.amount for o in rows}
    flagged = []
    for v in (plan.candidate, plan.live):
        assert v is not None
        params = cast(night_surge.Params, v.params)
        hits: Hits = replay_night(rows, params, plan.zones, hourly, since.timestamp())
        summary = risk_summary(hits, plan.thresholds, judged, amounts, labels)
        flagged.append(summary["flagged"])
    return flagged


async def current(warehouse: Warehouse, plan: Plan, since: datetime, until: datetime) -> list[int]:
    report = await backtest(warehouse, plan, since, until)
    assert report.live is not None
    return [report.candidate.summary["flagged"], report.live.summary["flagged"]]


def timed(runs: int, fn: Callable[[], list[int]]) -> tuple[float, list[int]]:
    times, out = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


#: kind -> the draft replayed beside the default parameters (enforced)
KINDS: dict[str, dict[str, Any]] = {
    "same_ip_burst": {"max_orders": 8},
    "price_deviation": {"max_below_pct": 20},
    "payment_mismatch": {"tolerance": "0"},
    "unknown_order_payment": {"grace_s": 60},
    "duplicate_payment": {"score": 60},
    "payment_failures": {"max_failures": 2},
    "refund_spike": {"factor": 1.2},
    "thresholds": {"hold": 50},
}


def every_kind(warehouse: Warehouse) -> None:
    for kind, draft in KINDS.items():
        plan = Plan(f"bench.{kind}", kind, "risk", "order", None,
                    _version(kind, {"mode": "enforce", "params": draft}, "draft"),
                    _version(kind, {"mode": "enforce"}, "live"))  # fmt: skip
        start = time.perf_counter()
        report = asyncio.run(backtest(warehouse, plan, T0, T0 + DAY))
        took = time.perf_counter() - start
        assert report.live is not None
        flagged = [report.candidate.summary["flagged"], report.live.summary["flagged"]]
        rows = {k: v for k, v in report.history.items() if v}
        print(f"  {kind:24} {took:6.2f} s (loading {report.loading_s:.2f} s)"
              f"   flagged draft/live {flagged}   replayed {rows}", flush=True)  # fmt: skip


def profile(warehouse: Warehouse, plan: Plan) -> None:
    """Where the current backtest's time goes: loading, then each side's replay."""
    from warroom.backtest.run import load_risk, risk_side

    profiler = cProfile.Profile()
    profiler.enable()
    history = asyncio.run(load_risk(warehouse, plan, T0, T0 + DAY))
    for v in (plan.candidate, plan.live):
        assert v is not None
        risk_side(plan, v, history, T0)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wh = ChdbWarehouse(Path(tmp), "bench")
        apply_schema(wh)
        cols = orders(args.orders, random.Random(7))
        for lo in range(0, len(cols["order_id"]), 100_000):
            wh.insert("orders", {k: c[lo : lo + 100_000] for k, c in cols.items()})
        plan, n = night_plan(), len(cols["order_id"])
        print(f"chdb {wh.query('SELECT version()')[0][0]}: {n:,} orders, night surge of a day")
        before, hits_before = timed(
            args.runs, lambda: asyncio.run(stepwise(wh, plan, T0, T0 + DAY))
        )
        after, hits_after = timed(args.runs, lambda: asyncio.run(current(wh, plan, T0, T0 + DAY)))
        print(f"  order by order (NightTally)   {before:6.2f} s   flagged draft/live {hits_before}")
        print(f"  vectorised (run.backtest)     {after:6.2f} s   flagged draft/live {hits_after}")
        same = "same counts" if hits_before == hits_after else "DIFFERENT COUNTS"
        print(
            f"  ratio {before / after:.1f}x faster, {same}"
            f" (median of {args.runs}, loading included)"
        )
        if args.profile:
            profile(wh, plan)
        v, labels = verdicts(cols)
        more = {"payments": payments(cols), "refunds": refunds(cols)}
        more |= {"verdicts": v, "labels": labels}
        for table, c in more.items():
            for lo in range(0, len(c["src_offset"]), 100_000):
                wh.insert(table, {k: x[lo : lo + 100_000] for k, x in c.items()})
        print(f"every other risk kind over the day ({len(more['payments']['order_id']):,} "
              f"payments, {len(more['refunds']['order_id']):,} refunds, "
              f"{len(v['order_id']):,} verdicts), draft beside live:")  # fmt: skip
        every_kind(wh)
        wh.close()


if __name__ == "__main__":
    main()
