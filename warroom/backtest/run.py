"""One backtest: load the window's history once, replay the candidate and the live version
over it (in a thread: pure CPU, the event loop keeps serving), report side by side."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any, cast

from warroom.backtest import loaders, report
from warroom.backtest.budget import replay_budget
from warroom.backtest.history import RiskHistory, hits_of, load_risk, thresholds_of
from warroom.backtest.kinds import check_kind
from warroom.backtest.plan import Plan, Version
from warroom.backtest.series import MinuteSeries
from warroom.errors import InvalidEntity
from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.engine import RuleRef
from warroom.schemas.budget import EntityKind
from warroom.settings import Settings
from warroom.store.warehouse.base import Warehouse
from warroom.store.warehouse.shared import close_shared_warehouse, shared_warehouse

MAX_SPAN = timedelta(days=31)


def check_window(since: datetime, until: datetime, kind: str) -> None:
    """InvalidEntity naming the field when the window or the rule kind cannot be replayed."""
    if since.tzinfo is None or until.tzinfo is None:
        raise InvalidEntity("since and until need a zone (e.g. 2025-03-01T00:00:00Z)", "since")
    if until <= since:
        raise InvalidEntity("until must come after since", "until")
    if until - since > MAX_SPAN:
        raise InvalidEntity(f"a backtest covers at most {MAX_SPAN.days} days", "since")
    check_kind(kind)


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


def risk_side(plan: Plan, v: Version, h: RiskHistory, since: datetime) -> report.Side:
    hits = hits_of(plan, v, h, since.timestamp())
    thresholds = thresholds_of(plan, v)
    summary = report.risk_summary(hits, thresholds, h.judged, h.amounts(hits), h.labels)
    return _side(v, summary, report.risk_decisions(hits, thresholds), len(hits))


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
        rows = h.rows()
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
