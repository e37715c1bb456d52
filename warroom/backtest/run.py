"""One backtest: load the window's history once, replay the candidate and the live version
over it (in a thread: pure CPU, the event loop keeps serving), report side by side."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from warroom.backtest import loaders, report
from warroom.backtest.budget import replay_budget
from warroom.backtest.night import OrderColumns, replay_night_columns
from warroom.backtest.plan import Plan, Version
from warroom.backtest.risk import (
    Hits,
    OrderRow,
    PaymentRow,
    replay_bursts,
    replay_mismatch,
    replay_prices,
)
from warroom.backtest.series import MinuteSeries
from warroom.errors import InvalidEntity
from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.engine import RuleRef
from warroom.rules.risk import entity_burst, night_surge, payment_mismatch, price_deviation
from warroom.schemas.budget import EntityKind
from warroom.settings import Settings
from warroom.store.warehouse.base import Warehouse
from warroom.store.warehouse.baselines import HourlyHistory, PriceHistory, load_hourly, load_prices
from warroom.store.warehouse.shared import close_shared_warehouse, shared_warehouse
from warroom.streams.prices import DECAY

MAX_SPAN = timedelta(days=31)
BURSTS = {"same_ip_burst": "ip", "same_device_burst": "device_id", "same_user_burst": "user_id"}
ORDER_KINDS = {*BURSTS, "price_deviation", "night_surge"}
SUPPORTED = {*ORDER_KINDS, "payment_mismatch", "condition"}


def check_window(since: datetime, until: datetime, kind: str) -> None:
    """InvalidEntity naming the field when the window or the rule kind cannot be replayed."""
    if since.tzinfo is None or until.tzinfo is None:
        raise InvalidEntity("since and until need a zone (e.g. 2025-03-01T00:00:00Z)", "since")
    if until <= since:
        raise InvalidEntity("until must come after since", "until")
    if until - since > MAX_SPAN:
        raise InvalidEntity(f"a backtest covers at most {MAX_SPAN.days} days", "since")
    if kind not in SUPPORTED:
        raise InvalidEntity(f"backtests do not replay {kind} rules yet", "kind")


def _versions(plan: Plan) -> list[Version]:
    return [plan.candidate] + ([plan.live] if plan.live else [])


def _side(
    v: Version, summary: dict[str, Any], decisions: list[dict[str, Any]], n: int
) -> report.Side:
    return report.Side(
        label=v.label,
        version=v.version,
        mode=v.mode,
        body=v.body,
        summary=summary,
        decisions=decisions,
        decisions_total=n,
    )


def budget_side(
    plan: Plan, v: Version, series: dict[str, MinuteSeries], since: datetime, until: datetime
) -> report.Side:
    rule = RuleRef(
        id=plan.rule_id,
        version=v.version or 0,
        body=cast(BudgetBody, v.params),
        scope=cast(EntityKind, plan.scope),
        shop_id=plan.shop_id,
    )
    start, end = int(since.timestamp() // 60), int(until.timestamp() // 60)
    out = replay_budget(rule, plan.entities, series, start, end)
    return _side(v, report.budget_summary(out), report.budget_decisions(out), len(out.decisions))


class RiskHistory:
    """What the risk rules replay: orders (or payments), the baselines before the window,
    the review labels of its orders, and how many events it holds."""

    def __init__(self) -> None:
        self.orders: list[OrderRow] = []
        self.columns: OrderColumns | None = None  # night surge: the orders as columns
        self.payments: list[PaymentRow] = []
        self.prices = PriceHistory()
        self.hourly = HourlyHistory()
        self.labels: dict[str, str] = {}
        self.judged = 0


async def load_risk(
    warehouse: Warehouse, plan: Plan, since: datetime, until: datetime
) -> RiskHistory:
    h, shop = RiskHistory(), plan.shop_id
    params = [v.params for v in _versions(plan)]
    if plan.kind in BURSTS:
        window = max(cast(entity_burst.Params, p).window_s for p in params)
        least = min(cast(entity_burst.Params, p).max_orders for p in params)
        busy, needs = (BURSTS[plan.kind], least), frozenset({BURSTS[plan.kind]})
        start = since - timedelta(seconds=window)
        h.orders = await loaders.orders(warehouse, start, until, shop, busy, needs)
    elif plan.kind == "price_deviation":
        needs = frozenset({"sku", "unit_price"})
        h.orders = await loaders.orders(warehouse, since, until, shop, needs=needs)
        h.prices = await load_prices(warehouse, since, DECAY)
    elif plan.kind == "night_surge":
        start = since - timedelta(days=1)
        h.columns = await loaders.order_columns(warehouse, start, until, shop)
        h.hourly = await load_hourly(warehouse, since)
    else:
        h.payments = await loaders.payments(warehouse, since, until, shop)
    h.labels = await loaders.labels(warehouse, since, until)
    if h.columns is not None:
        h.judged = int((h.columns.ts >= since.timestamp()).sum())
    else:
        h.judged = len(h.payments) or await loaders.order_count(warehouse, since, until, shop)
    return h


def hits_of(plan: Plan, v: Version, h: RiskHistory, since: float) -> Hits:
    """The candidate's (or live version's) hits over the history, by order id."""
    p = v.params
    if plan.kind in BURSTS:
        kind = BURSTS[plan.kind].removesuffix("_id")
        return replay_bursts(kind, h.orders, cast(entity_burst.Params, p), since)
    if plan.kind == "price_deviation":
        return replay_prices(h.orders, cast(price_deviation.Params, p), h.prices, DECAY)
    if plan.kind == "night_surge" and h.columns is not None:
        params = cast(night_surge.Params, p)
        return replay_night_columns(h.columns, params, plan.zones, h.hourly, since)
    return replay_mismatch(h.payments, cast(payment_mismatch.Params, p))


def risk_side(plan: Plan, v: Version, h: RiskHistory, since: datetime) -> report.Side:
    hits = hits_of(plan, v, h, since.timestamp())
    amounts: dict[str, Decimal] = {o.order_id: o.amount for o in h.orders}
    if h.columns is not None:
        c = h.columns
        amounts |= {oid: a for oid, a in zip(c.order_id, c.amount, strict=True) if oid in hits}
    amounts |= {p.payment.order_id: p.payment.amount for p in h.payments}
    summary = report.risk_summary(hits, plan.thresholds, h.judged, amounts, h.labels)
    return _side(v, summary, report.risk_decisions(hits, plan.thresholds), len(hits))


async def backtest(
    warehouse: Warehouse, plan: Plan, since: datetime, until: datetime
) -> report.BacktestReport:
    """Replay the plan's candidate and live version over [since, until)."""
    check_window(since, until, plan.kind)
    started = time.perf_counter()
    sides: list[report.Side] = []
    if plan.family == "budget":
        series = await loaders.minute_series(warehouse, plan.scope, since, until, plan.shop_id)
        loaded = time.perf_counter()
        for v in _versions(plan):
            sides.append(await asyncio.to_thread(budget_side, plan, v, series, since, until))
        rows = {"minutes": sum(len(s.cumulative) - 1 for s in series.values())}
    else:
        h = await load_risk(warehouse, plan, since, until)
        loaded = time.perf_counter()
        for v in _versions(plan):
            sides.append(await asyncio.to_thread(risk_side, plan, v, h, since))
        orders = len(h.orders) + (len(h.columns) if h.columns is not None else 0)
        rows = {"orders": orders, "payments": len(h.payments), "labels": len(h.labels)}
    return report.BacktestReport(
        rule_id=plan.rule_id,
        kind=plan.kind,
        family=plan.family,
        since=since,
        until=until,
        candidate=sides[0],
        live=sides[1] if len(sides) > 1 else None,
        elapsed_s=round(time.perf_counter() - started, 3),
        loading_s=round(loaded - started, 3),
        history=rows,
    )


def backtest_from_settings(
    settings: Settings,
    rule_id: str,
    since: datetime,
    until: datetime,
    draft: dict[str, Any] | None = None,
    version: int | None = None,
) -> report.BacktestReport:
    """One backtest against the configured store and warehouse (``warroom backtest``).
    Embedded: this process opens chdb, so no worker may hold the same data dir."""
    from warroom.api.runtime import open_store
    from warroom.backtest.plan import plan

    store = open_store(settings)
    try:
        with store.session() as session:
            found = plan(session, rule_id, draft, version)
    finally:
        store.dispose()
    warehouse = shared_warehouse(settings)
    try:
        return asyncio.run(backtest(warehouse, found, since, until))
    finally:
        close_shared_warehouse()
