"""Commission lines in the warehouse on both backends: the profit report subtracts the
lines of orders paid in its range from the net margin, per campaign; a coupon decision
(the radar's) is stored like any budget decision, also in a table an older warroom made."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.warehouse import market
from tests.warehouse.conftest import open_backend
from tests.warehouse.events import decision
from tests.warehouse.market import T0
from tests.warehouse.writes import write
from warroom.rules.commission.splits import PaidOrder, Params, split
from warroom.schemas.budget import Change
from warroom.schemas.commission import CommissionLine
from warroom.schemas.events import Order
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.reports import Filters, run
from warroom.store.warehouse.schema import TABLES, apply_schema


def lines_of(order: Order, paid_at_s: int) -> list[CommissionLine]:
    paid = PaidOrder(order.order_id, order.shop_id, order.amount, order.creator_id, ("d1",))
    return [
        CommissionLine(
            key=f"{order.order_id}|{line.level}",
            order_id=order.order_id,
            shop_id=order.shop_id,
            campaign_id=order.campaign_id or "",
            creative_id=order.creative_id or "",
            creator_id=order.creator_id or "",
            level=line.level,
            role=line.role,
            party_id=line.party_id,
            share=line.share,
            base=order.amount,
            amount=line.amount,
            rule_version=1,
            paid_at=T0 + timedelta(seconds=paid_at_s),
        )
        for line in split(paid, Params())
    ]


async def test_profit_subtracts_the_commissions_of_orders_paid_in_range(
    warehouse: Warehouse,
) -> None:
    m = market.build()
    await market.write_market(warehouse, m)
    lines = [line for i, o in enumerate(m.orders) for line in lines_of(o, i)]
    late = lines_of(m.orders[0], 2 * 86_400)  # paid after the range: not in it
    late = [c.model_copy(update={"key": c.key + "-late"}) for c in late]
    await write(warehouse, "commissions", [*lines, *lines[:3], *late])  # a resent batch too

    f = Filters(since=T0, until=T0 + timedelta(days=1), granularity="day")
    report = await run(warehouse, "profit", f)

    by_campaign = {r["campaign_id"]: r for r in report.rows}
    for campaign in market.CAMPAIGNS:
        row = by_campaign[campaign]
        expected = sum((c.amount for c in lines if c.campaign_id == campaign), Decimal(0))
        assert expected > 0 and row["commissions"] == expected
        assert row["net_margin"] == (
            row["gmv"] - row["refunds"] - row["ad_spend"] - row["payment_fees"] - expected
        )
    paid = sum((o.amount for o in m.orders), Decimal(0))
    assert sum(r["commissions"] for r in report.rows) == paid * Decimal("0.2")  # every level paid
    assert "commission" in (report.note or "")


def coupon(i: int) -> object:
    return decision(i).model_copy(
        update={
            "key": f"radar.hot_product@v1|product:p{i}|2025-03-01",
            "action": "coupon",
            "changes": {"coupon_pct": Change(before=None, after="5")},
        }
    )


async def test_coupon_decisions_are_stored(warehouse: Warehouse) -> None:
    assert await write(warehouse, "budget_decisions", [coupon(1), decision(2)]) == 2  # type: ignore[list-item]

    rows = warehouse.query("SELECT action FROM budget_decisions FINAL ORDER BY action")
    assert [str(a) for (a,) in rows] == ["pause", "coupon"]


@pytest.mark.parametrize("kind", ["chdb", "server"])
async def test_an_older_decisions_table_learns_the_coupon_action(
    kind: str, request: pytest.FixtureRequest
) -> None:
    wh = open_backend(kind, request, f"t_{uuid.uuid4().hex[:12]}")
    try:
        wh.execute(f"CREATE DATABASE IF NOT EXISTS {wh.database}")
        old = TABLES["budget_decisions"].replace(", 'coupon' = 5", "")
        assert old != TABLES["budget_decisions"]
        wh.execute(f"CREATE TABLE {wh.database}.budget_decisions {old}")
        apply_schema(wh)
        apply_schema(wh)  # twice: no harm

        assert await write(wh, "budget_decisions", [coupon(3)]) == 1  # type: ignore[list-item]
        assert [str(a) for (a,) in wh.query("SELECT action FROM budget_decisions")] == ["coupon"]
    finally:
        wh.execute(f"DROP DATABASE IF EXISTS {wh.database}" + (" SYNC" if kind == "chdb" else ""))
        wh.close()
