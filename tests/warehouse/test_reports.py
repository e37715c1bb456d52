"""The traffic, profit and risk reports, live from the warehouse on both backends: the
market goes in through the sink, and every figure is checked against what went in."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.warehouse import market
from tests.warehouse.market import T0, Market
from warroom.errors import InvalidEntity
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.reports import FeeRates, Filters, run

DAY = timedelta(days=1)


@pytest.fixture
async def m(warehouse: Warehouse) -> Market:
    built = market.build()
    await market.write_market(warehouse, built)
    return built


def filters(**kw: Any) -> Filters:
    return Filters(**{"since": T0, "until": T0 + DAY, **kw})


def total(rows: list[dict[str, Any]], name: str, **where: Any) -> Any:
    return sum(r[name] for r in rows if all(r[k] == v for k, v in where.items()))


async def test_traffic_counts_the_funnel_by_creative_and_segment(
    warehouse: Warehouse, m: Market
) -> None:
    rows = (await run(warehouse, "traffic", filters())).rows
    kinds = Counter((c.creative_id, c.viewer.gender, c.kind) for c in m.clicks)
    for (creative, gender, kind), n in kinds.items():
        assert total(rows, f"{kind}s", creative_id=creative, gender=gender) == n
    bought = Counter((o.creative_id, m.viewer(o.user_id).age_band) for o in m.orders)
    for (creative, age), n in bought.items():
        assert total(rows, "orders", creative_id=creative, age_band=age) == n
    spend = sum((c.cost for c in m.clicks if c.creative_id == "cr1"), Decimal(0))
    assert total(rows, "spend", creative_id="cr1") == spend
    assert total(rows, "gmv") == sum(o.amount for o in m.orders)
    first = rows[0]
    assert first["ctr"] == round(first["clicks"] / first["impressions"], 6)


async def test_traffic_by_hour_and_by_filters(warehouse: Warehouse, m: Market) -> None:
    rows = (await run(warehouse, "traffic", filters())).rows
    hours = Counter(c.ts.replace(minute=0, second=0) for c in m.clicks if c.kind == "impression")
    assert {h: total(rows, "impressions", bucket=h) for h in hours} == hours
    first_hour = filters(until=T0 + timedelta(hours=1), creator_id="k2")
    rows = (await run(warehouse, "traffic", first_hour)).rows
    expected = [c for c in m.clicks if c.creator_id == "k2" and c.ts < T0 + timedelta(hours=1)]
    assert {r["creative_id"] for r in rows} == {"cr2"}
    assert total(rows, "impressions") == sum(c.kind == "impression" for c in expected)
    scoped = (await run(warehouse, "traffic", filters(shops=("s1",)))).rows
    assert {r["shop_id"] for r in scoped} == {"s1"}


async def test_profit_is_gmv_less_refunds_spend_and_fees(warehouse: Warehouse, m: Market) -> None:
    rates = FeeRates(alipay=Decimal("0.01"), card=Decimal("0.02"))
    report = await run(warehouse, "profit", filters(granularity="day"), rates)
    assert "commission" in (report.note or "")
    by_campaign = {r["campaign_id"]: r for r in report.rows}
    for campaign, (shop, _, _) in market.CAMPAIGNS.items():
        row = by_campaign[campaign]
        orders = [o for o in m.orders if o.campaign_id == campaign]
        ids = {o.order_id for o in orders}
        gmv = sum(o.amount for o in orders)
        refunds = sum((r.amount for r in m.refunds if r.order_id in ids), Decimal(0))
        spend = sum(c.cost for c in m.clicks if c.campaign_id == campaign)
        paid = [p for p in m.payments if p.order_id in ids and p.status == "success"]
        fees = sum((p.amount * getattr(rates, p.method) for p in paid), Decimal(0))
        assert (row["shop_id"], row["gmv"], row["refunds"], row["ad_spend"]) == (
            shop,
            gmv,
            refunds,
            spend,
        )
        assert row["payment_fees"] == fees and row["commissions"] == 0
        assert row["net_margin"] == gmv - refunds - spend - fees
        assert row["bucket"].isoformat() == "2025-03-01T00:00:00+00:00"


async def test_profit_buckets_follow_the_time_zone(warehouse: Warehouse, m: Market) -> None:
    f = filters(granularity="day", tz="America/Los_Angeles")  # 10:00 UTC is 02:00 there
    rows = (await run(warehouse, "profit", f)).rows
    assert {r["bucket"].isoformat() for r in rows} == {"2025-03-01T00:00:00-08:00"}


async def test_risk_counts_holds_declines_and_precision(warehouse: Warehouse, m: Market) -> None:
    rows = (await run(warehouse, "risk", filters(granularity="day"))).rows
    rules = [r for r in rows if r["rule"] != "risk.refund_spike"]
    for v in m.verdicts:
        assert v.hits[0].rule_id in {r["rule"] for r in rules}
    burst = [r for r in rules if r["rule"] == "risk.same_ip_burst"]
    held = [v for v in m.verdicts if v.outcome == "hold"]
    assert sum(r["held"] for r in burst) == len(held)
    assert sum(r["declined"] for r in burst) == sum(v.outcome == "decline" for v in m.verdicts)
    fraud = sum(lb.label == "fraud" for lb in m.labels)
    assert sum(r["labelled_fraud"] for r in burst) == fraud
    labelled = [r for r in burst if r["labelled_fraud"] + r["labelled_legit"]]
    assert [r["precision"] for r in labelled] == [fraud / len(m.labels)]
    shadow = [r for r in rules if r["rule"] == "risk.price_deviation"]
    assert sum(r["shadow"] for r in shadow) == 2 and sum(r["held"] for r in shadow) == 0


async def test_risk_reports_refunds_against_the_sku_baseline(
    warehouse: Warehouse, m: Market
) -> None:
    rows = (await run(warehouse, "risk", filters(granularity="day"))).rows
    refunds = [r for r in rows if r["rule"] == "risk.refund_spike"]
    got = {(r["shop_id"], r["sku"]): (r["refunds"], r["orders"]) for r in refunds}
    expected = Counter((r.shop_id, r.sku) for r in m.refunds)
    placed = Counter((o.shop_id, o.sku) for o in m.orders)
    assert got == {key: (n, placed[key]) for key, n in expected.items()}
    assert all(r["baseline_rate"] is None and not r["abnormal"] for r in refunds)


async def test_a_refund_spike_against_a_quiet_history_is_abnormal(
    warehouse: Warehouse, m: Market
) -> None:
    history = market.Market(orders=[_shifted(o, -7) for o in m.orders])
    history.refunds = [_refunded(history.orders[1])]  # sku1: one refund in 24 orders
    await market.write_market(warehouse, history)
    spike = [_refunded(o, n) for n, o in enumerate(m.orders) if o.sku == "sku1"][:20]
    await market.write_market(warehouse, Market(refunds=spike))
    rows = (await run(warehouse, "risk", filters(granularity="day", shops=("s1",)))).rows
    flagged = {r["sku"] for r in rows if r["rule"] == "risk.refund_spike" and r["abnormal"]}
    assert flagged == {"sku1"}


def _shifted(order: Any, days: int) -> Any:
    ts = order.ts + timedelta(days=days)
    ids = {"order_id": f"h{order.order_id}", "event_id": f"h{order.event_id}"}
    return order.model_copy(update={"ts": ts, **ids})


def _refunded(order: Any, n: int = 0) -> Any:
    refund = market._refund(order)
    return refund.model_copy(update={"event_id": f"x{n}-{refund.event_id}", "refund_id": f"x{n}"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"until": T0}, "until"),
        ({"since": T0 - timedelta(days=100)}, "since"),
        ({"since": T0.replace(tzinfo=None)}, "since"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_filters_name_their_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidEntity) as caught:
        filters(**change).check()
    assert caught.value.field == field
