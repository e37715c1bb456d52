"""Backtests read their history on both backends: per-minute series of campaigns (the
rollup) and creatives (raw clicks and orders), orders for the risk rules and payments
with their orders' amounts; replayed, they give the hits the data holds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from tests.warehouse import market
from tests.warehouse.market import T0
from warroom.backtest import loaders
from warroom.backtest.plan import Plan, Version
from warroom.backtest.run import backtest
from warroom.rules.registry import rule_kind
from warroom.store.warehouse import Warehouse

DAY = timedelta(days=1)


def version(kind: str, body: dict[str, Any]) -> Version:
    mode, params = rule_kind(kind).parse(rule_kind(kind).validate(body))
    return Version("draft", None, body, mode, params)


async def test_minute_series_of_campaigns_and_creatives(warehouse: Warehouse) -> None:
    m = market.build()
    await market.write_market(warehouse, m)
    for scope, key in (("campaign", "campaign_id"), ("creative", "creative_id")):
        series = await loaders.minute_series(warehouse, scope, T0, T0 + DAY, None)
        for entity, s in series.items():
            spend = sum(c.cost for c in m.clicks if getattr(c, key) == entity)
            orders = [o for o in m.orders if getattr(o, key) == entity]
            totals = s.total(s.first, s.last)
            assert Decimal(int(totals[3])) / 10_000 == spend
            assert int(totals[4]) == len(orders)


async def test_payments_replayed_against_their_orders(warehouse: Warehouse) -> None:
    m = market.build()
    short = m.payments[5].model_copy(update={"event_id": "short", "payment_id": "short",
                                             "amount": Decimal("1.00")})  # fmt: skip
    m.payments.append(short)
    await market.write_market(warehouse, m)
    plan = Plan("t.mismatch", "payment_mismatch", "risk", "payment", None,
                version("payment_mismatch", {"mode": "enforce"}), None)  # fmt: skip
    report = await backtest(warehouse, plan, T0, T0 + DAY)
    assert [d["order_id"] for d in report.candidate.decisions] == [short.order_id]
    assert report.candidate.summary["judged"] == len(m.payments)


async def test_bursts_from_the_orders_table(warehouse: Warehouse) -> None:
    m = market.build()
    await market.write_market(warehouse, m)
    body = {"mode": "enforce", "params": {"max_orders": 3, "window_s": 3600}}
    plan = Plan("t.burst", "same_ip_burst", "risk", "order", None,
                version("same_ip_burst", body), None)  # fmt: skip
    report = await backtest(warehouse, plan, T0, T0 + DAY)
    ips = {o.ip for o in m.orders}  # each orders every 600 s: from its 4th order, 4 in an hour
    assert report.candidate.summary["flagged"] == len(m.orders) - 3 * len(ips)
    flagged = {d["order_id"] for d in report.candidate.decisions}
    assert not flagged & {o.order_id for o in m.orders[: 3 * len(ips)]}
    labelled = [lb for lb in m.labels if lb.order_id in flagged]  # the 4th order of 10.0.0.1
    assert report.candidate.summary["labelled"] == len(labelled) == 1
    assert report.history["orders"] == len(m.orders)
