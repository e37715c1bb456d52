"""Report latency over a million rows, and a backtest of a day of demo-like traffic, on
both warehouse backends in one run.

    .venv/bin/python benchmarks/bench_reports.py [--clicks N] [--orders N] [--runs R] [--dsn DSN]

One day of history is inserted (columnar, as the sink writes it): ``--clicks`` ad
interactions (default 1,000,000) over 3 shops, 12 campaigns of 2 creatives, 5,000
viewers; ``--orders`` orders (default 100,000), an IP burst of 9 orders every 10 s
(77,760) and a night surge (4,000 orders of shop-1 in ten minutes from 02:05 Shanghai
time); one payment per order, 3 % refunded, verdicts and labels. Every fourth campaign
only spends; one price in 500 is half the usual. Each report (traffic by hour, profit
by day, risk by day; all shops, then one) runs ``--runs`` times: the median is
printed. The backtests replay the playbook's fast-stop over the day's campaign
minutes and the risk rules (IP burst, price deviation, night surge) over its orders,
candidate beside live (twice the work), timed end to end (loading included). Without
``--dsn`` a clickhouse-server from Debian's package is started.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.warehouse helpers

from tests.warehouse.clickhouse import ClickHouseServer
from warroom.backtest.plan import Plan, Version
from warroom.backtest.run import backtest
from warroom.rules.budget.engine import EntityState
from warroom.rules.registry import rule_kind
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.chdb_backend import ChdbWarehouse
from warroom.store.warehouse.reports import FeeRates, Filters, run
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse

T0 = datetime(2025, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
KINDS = ("impression",) * 14 + ("play", "play", "click")
SHOPS = ("shop-1", "shop-2", "shop-3")
CAMPAIGNS = [f"cmp-{s}-{c}" for s in range(1, 4) for c in range(4)]
SOURCE = {"src_topic": "bench", "src_partition": 0}
Columns = dict[str, list[Any]]


def _source(cols: Columns, n: int) -> Columns:
    return {**cols, **{k: [v] * n for k, v in SOURCE.items()}, "src_offset": list(range(n))}


def clicks(n: int, rng: random.Random) -> Columns:
    step = 86_400 / n
    camp = [CAMPAIGNS[rng.randrange(12)] for _ in range(n)]
    kinds = [KINDS[rng.randrange(len(KINDS))] for _ in range(n)]
    viewers = [rng.randrange(5000) for _ in range(n)]
    cost = {"impression": Decimal("0.02"), "play": Decimal("0.05"), "click": Decimal("0.60")}
    return _source(
        {
            "event_id": [f"k{i}" for i in range(n)],
            "ts": [T0 + timedelta(seconds=int(i * step)) for i in range(n)],
            "kind": kinds,
            "shop_id": [SHOPS[int(c[6]) - 1] for c in camp],
            "campaign_id": camp,
            "creative_id": [f"{c}-{v % 2}" for c, v in zip(camp, viewers, strict=True)],
            "creator_id": [f"creator-{c[-1]}" for c in camp],
            "product_id": [f"sku-{c[-3:]}" for c in camp],
            "viewer_id": [f"v{v}" for v in viewers],
            "gender": [("f", "m", "u")[v % 3] for v in viewers],
            "age_band": [("18-23", "24-30", "31-40", "41-50", "50+")[v % 5] for v in viewers],
            "spending_power": [1 + v % 5 for v in viewers],
            "city": ["杭州"] * n,
            "city_tier": [2] * n,
            "cost": [cost[k] for k in kinds],
            "watch_time_s": [None] * n,
            "video_length_s": [None] * n,
        },
        n,
    )


def orders(n: int, rng: random.Random) -> Columns:
    """Orders of the selling campaigns (every fourth campaign is a burner: it only spends),
    a burst of 9 from one IP every 10 s, and a night surge: 4,000 orders of shop-1 in
    ten minutes from 02:05 Shanghai time."""
    sellers = [c for c in CAMPAIGNS if not c.endswith("-3")]
    rows = []
    for i in range(n):
        ts = T0 + timedelta(seconds=rng.randrange(86_400))
        rows.append(
            (ts, f"o{i}", sellers[rng.randrange(len(sellers))], f"ip{rng.randrange(50_000)}")
        )
    for b in range(8640):
        for k in range(9):
            ts = T0 + timedelta(seconds=10 * b + k)
            rows.append((ts, f"b{b}-{k}", sellers[b % len(sellers)], f"burst{b}"))
    for i in range(4000):
        ts = T0 + timedelta(hours=18, minutes=5, seconds=i * 600 // 4000)
        rows.append((ts, f"n{i}", CAMPAIGNS[i % 3], f"ip{rng.randrange(50_000)}"))
    rows.sort()
    price = {c: Decimal(19 + 10 * (j % 5)) + Decimal("0.90") for j, c in enumerate(CAMPAIGNS)}
    m = len(rows)
    return _source(
        {
            "event_id": [f"e{r[1]}" for r in rows],
            "ts": [r[0] for r in rows],
            "order_id": [r[1] for r in rows],
            "user_id": [f"v{rng.randrange(5000)}" for _ in rows],
            "ip": [r[3] for r in rows],
            "device_id": [""] * m,
            "shop_id": [SHOPS[int(r[2][6]) - 1] for r in rows],
            "sku": [f"sku-{r[2][-3:]}" for r in rows],
            "quantity": [1] * m,
            "unit_price": [price[r[2]] / (2 if i % 500 == 0 else 1) for i, r in enumerate(rows)],
            "amount": [price[r[2]] / (2 if i % 500 == 0 else 1) for i, r in enumerate(rows)],
            "campaign_id": [r[2] for r in rows],
            "creative_id": [f"{r[2]}-{i % 2}" for i, r in enumerate(rows)],
            "creator_id": [f"creator-{r[2][-1]}" for r in rows],
            "channel": ["live"] * m,
            "city": [""] * m,
        },
        m,
    )


def payments(o: Columns) -> Columns:
    n = len(o["order_id"])
    return _source(
        {
            "event_id": [f"p{x}" for x in o["order_id"]],
            "ts": [t + timedelta(seconds=20) for t in o["ts"]],
            "payment_id": [f"p{x}" for x in o["order_id"]],
            "order_id": o["order_id"],
            "amount": o["amount"],
            "method": [("alipay", "wechat", "card")[i % 3] for i in range(n)],
            "status": ["success"] * n,
            "card_hash": [""] * n,
        },
        n,
    )


def refunds(o: Columns) -> Columns:
    idx = range(0, len(o["order_id"]), 33)
    return _source(
        {
            "event_id": [f"r{i}" for i in idx],
            "ts": [o["ts"][i] + timedelta(minutes=30) for i in idx],
            "refund_id": [f"r{i}" for i in idx],
            "order_id": [o["order_id"][i] for i in idx],
            "shop_id": [o["shop_id"][i] for i in idx],
            "sku": [o["sku"][i] for i in idx],
            "amount": [o["amount"][i] for i in idx],
            "user_id": [o["user_id"][i] for i in idx],
            "reason": ["quality"] * len(idx),
        },
        len(idx),
    )


def verdicts(o: Columns) -> tuple[Columns, Columns]:
    held = [i for i, oid in enumerate(o["order_id"]) if oid.startswith("b") and oid[-1] in "5678"]
    v = _source(
        {
            "key": [f"{o['order_id'][i]}|risk.same_ip_burst@1" for i in held],
            "order_id": [o["order_id"][i] for i in held],
            "shop_id": [o["shop_id"][i] for i in held],
            "outcome": ["hold"] * len(held),
            "score": [60.0] * len(held),
            "mode": ["enforce"] * len(held),
            "rules": [["risk.same_ip_burst"]] * len(held),
            "hits": ["[]"] * len(held),
            "entities": [[]] * len(held),
            "event_ts": [o["ts"][i] for i in held],
            "decided_at": [o["ts"][i] for i in held],
        },
        len(held),
    )
    lab = held[::10]
    labels = _source(
        {
            "key": [f"review|{o['order_id'][i]}" for i in lab],
            "order_id": [o["order_id"][i] for i in lab],
            "shop_id": [o["shop_id"][i] for i in lab],
            "action": ["confirm_fraud"] * len(lab),
            "label": ["fraud"] * len(lab),
            "outcome": ["hold"] * len(lab),
            "score": [60.0] * len(lab),
            "rules": [["risk.same_ip_burst"]] * len(lab),
            "verdict_key": [""] * len(lab),
            "decided_by": ["bench"] * len(lab),
            "decided_at": [o["ts"][i] + timedelta(minutes=5) for i in lab],
            "note": [""] * len(lab),
        },
        len(lab),
    )
    return v, labels


def fill(warehouse: Warehouse, args: argparse.Namespace) -> dict[str, int]:
    rng = random.Random(7)
    o = orders(args.orders, rng)
    v, labels = verdicts(o)
    tables = {"clicks": clicks(args.clicks, rng), "orders": o, "payments": payments(o)}
    tables |= {"refunds": refunds(o), "verdicts": v, "labels": labels}
    counts = {}
    for table, cols in tables.items():
        n = len(cols["src_offset"])
        for lo in range(0, n, 100_000):
            warehouse.insert(table, {k: c[lo : lo + 100_000] for k, c in cols.items()})
        counts[table] = n
    return counts


def median_ms(runs: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def reports(warehouse: Warehouse, runs: int) -> None:
    cases = {
        "traffic by hour": ("traffic", Filters(T0, T0 + DAY)),
        "traffic, one shop": ("traffic", Filters(T0, T0 + DAY, shops=("shop-2",))),
        "profit by day": ("profit", Filters(T0, T0 + DAY, granularity="day")),
        "profit, one campaign": ("profit", Filters(T0, T0 + DAY, campaign_id=CAMPAIGNS[5])),
        "risk by day": ("risk", Filters(T0, T0 + DAY, granularity="day")),
    }
    for label, (name, f) in cases.items():
        rows: list[int] = []

        def once(name: Any = name, f: Filters = f, rows: list[int] = rows) -> None:
            rows[:] = [len(asyncio.run(run(warehouse, name, f, FeeRates())).rows)]

        ms = median_ms(runs, once)
        print(f"  report {label:22} {ms:8.0f} ms   ({rows[0]:,} rows)", flush=True)


def _version(kind: str, body: dict[str, Any], label: str) -> Version:
    mode, params = rule_kind(kind).parse(rule_kind(kind).validate(body))
    return Version(label, 1, body, mode, params)


def plans() -> dict[str, Plan]:
    fast_stop = {
        "mode": "enforce",
        "condition": "spend_30m >= 2 * target_cpa and orders_30m == 0",
        "action": {"type": "pause"},
        "guardrails": {"min_spend": 50, "cooldown_s": 1800, "learning_minutes": 30},
    }
    entities = {
        c: EntityState(
            kind="campaign",
            id=c,
            shop_id=SHOPS[int(c[6]) - 1],
            created_at=0,
            target_cpa=Decimal(20 + 15 * (i % 3)),
            daily_budget=Decimal(3000),
            budget_cap=Decimal(10_000),
        )
        for i, c in enumerate(CAMPAIGNS)
    }
    risk = {
        "same_ip_burst": ({"mode": "enforce", "params": {"max_orders": 8}}, {"mode": "enforce"}),
        "price_deviation": ({"mode": "enforce", "params": {"max_below_pct": 20}}, {}),
        "night_surge": ({"mode": "enforce", "params": {"factor": 3}}, {}),
    }
    out = {
        "budget fast-stop": Plan(
            "budget.fast_stop",
            "condition",
            "budget",
            "campaign",
            None,
            _version("condition", {**fast_stop, "mode": "shadow"}, "draft"),
            _version("condition", fast_stop, "live"),
            entities=entities,
        )
    }
    for kind, (draft, live) in risk.items():
        out[f"risk {kind}"] = Plan(f"risk.{kind}", kind, "risk", "order", None,
                                   _version(kind, draft, "draft"), _version(kind, live, "live"),
                                   zones=dict.fromkeys(SHOPS, "Asia/Shanghai"))  # fmt: skip
    return out


def backtests(warehouse: Warehouse) -> None:
    for label, plan in plans().items():
        start = time.perf_counter()
        report = asyncio.run(backtest(warehouse, plan, T0, T0 + DAY))
        took = time.perf_counter() - start
        summary = report.candidate.summary
        shown = {
            k: summary[k] for k in ("actions", "spend_saved", "flagged", "held") if k in summary
        }
        print(f"  backtest {label:24} {took:6.2f} s (loading {report.loading_s:.2f} s)"
              f"   history {report.history}   {shown}", flush=True)  # fmt: skip


def bench(label: str, warehouse: Warehouse, args: argparse.Namespace) -> None:
    apply_schema(warehouse)
    start = time.perf_counter()
    counts = fill(warehouse, args)
    print(f"{label}: inserted {counts} in {time.perf_counter() - start:.1f} s", flush=True)
    reports(warehouse, args.runs)
    backtests(warehouse)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="per report; the median is shown")
    parser.add_argument("--dsn", help="a ClickHouse server; default: start Debian's")
    args = parser.parse_args()
    logging.getLogger("clickhouse_driver").setLevel(logging.CRITICAL)
    server = None if args.dsn else ClickHouseServer()
    try:
        if server is not None:
            server.start()
        remote = ServerWarehouse(args.dsn or server.dsn, f"bench_{uuid.uuid4().hex[:8]}")  # type: ignore[union-attr]
        bench(f"server {remote.query('SELECT version()')[0][0]}", remote, args)
        remote.execute(f"DROP DATABASE {remote.database}")
        remote.close()
    finally:
        if server is not None:
            server.remove()
    with tempfile.TemporaryDirectory() as tmp:
        local = ChdbWarehouse(Path(tmp), "bench")
        bench(f"chdb {local.query('SELECT version()')[0][0]}", local, args)
        local.close()


if __name__ == "__main__":
    main()
