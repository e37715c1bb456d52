"""What the sink writes reads back as the same values, on both backends, and the
rollups agree with the raw rows they summarise."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import orjson

from tests.warehouse import events
from tests.warehouse.writes import TOPIC, new_sink, write
from warroom.store.warehouse import Warehouse


async def test_clicks_read_back_with_their_values(warehouse: Warehouse) -> None:
    assert await write(warehouse, "clicks", events.clicks(400)) == 400
    rows = await warehouse.aquery(
        "SELECT event_id, ts, kind, cost, gender, age_band, spending_power, watch_time_s,"
        " src_offset FROM clicks FINAL WHERE event_id IN %(ids)s ORDER BY event_id",
        {"ids": ("k2", "k3")},
    )
    at = [events.T0 + timedelta(seconds=s) for s in (2, 3)]
    assert rows == [
        ("k2", at[0], "play", Decimal("0.25"), "f", "24-30", 3, 12.5, 0),
        ("k3", at[1], "click", Decimal("0.25"), "f", "24-30", 3, None, 0),
    ]
    assert rows[0][1].utcoffset() == timedelta(0)


async def test_orders_payments_verdicts_decisions_round_trip(warehouse: Warehouse) -> None:
    await write(warehouse, "orders", events.orders(30, campaign=None))
    await write(warehouse, "payments", [events.payment(i) for i in range(30)])
    await write(warehouse, "verdicts", [events.verdict(i) for i in range(10)])
    await write(warehouse, "budget_decisions", [events.decision(i) for i in range(10)])
    assert await warehouse.aquery(
        "SELECT sum(amount), countIf(campaign_id = ''), any(channel) FROM orders"
    ) == [(Decimal("5994.00"), 30, "live")]
    assert await warehouse.aquery("SELECT count(), uniqExact(order_id) FROM payments") == [(30, 30)]
    assert await warehouse.aquery(
        "SELECT outcome, rules, entities FROM verdicts WHERE order_id = 'ord3'"
    ) == [("hold", ["risk.same_ip_burst"], ["order:ord3", "shop:s1"])]
    assert await warehouse.aquery(
        "SELECT action, result, reason, changes FROM budget_decisions WHERE entity_id = 'c2'"
    ) == [("pause", "proposed", "", '{"status":{"before":"active","after":"paused"}}')]


async def test_the_campaign_minute_rollup_matches_the_raw_rows(warehouse: Warehouse) -> None:
    await write(warehouse, "clicks", events.clicks(180))  # 3 minutes
    unattributed = events.orders(10, campaign=None, start=500)
    await write(warehouse, "orders", events.orders(150) + unattributed)
    rollup = await warehouse.aquery(
        "SELECT minute, sum(impressions), sum(plays), sum(clicks), sum(cost), sum(orders), sum(gmv)"
        " FROM campaign_minute WHERE campaign_id = 'c1' GROUP BY minute ORDER BY minute"
    )
    assert [r[1:4] for r in rollup] == [(30, 15, 15)] * 3
    assert [r[4] for r in rollup] == [Decimal("15")] * 3
    assert [r[5] for r in rollup] == [60, 60, 30]  # orders without a campaign are not counted
    raw = await warehouse.aquery("SELECT sum(amount) FROM orders WHERE campaign_id = 'c1'")
    assert [(sum(r[6] for r in rollup),)] == raw


async def test_the_shop_sku_hour_rollup_keeps_buyers_and_mean_price(warehouse: Warehouse) -> None:
    await write(warehouse, "orders", events.orders(100))
    rows = await warehouse.aquery(
        "SELECT hour, countMerge(orders), sumMerge(quantity), sumMerge(gmv), uniqMerge(buyers),"
        " round(avgMerge(unit_price), 2) FROM shop_sku_hour WHERE shop_id = 's1' AND sku = 'sku1'"
        " GROUP BY hour"
    )
    assert rows == [(events.T0, 100, 199, Decimal("19880.10"), 5, 99.9)]


async def test_an_unreadable_message_is_skipped_and_the_others_are_written(
    warehouse: Warehouse,
) -> None:
    """The sink reads clicks ingest validated (``clicks-valid``); a message it still cannot
    read (not JSON, a field missing or malformed) is skipped whole, counted, and committed
    past: the messages around it are written and the sink never stalls on it."""
    good = [c.model_dump(mode="json") for c in events.clicks(5)]
    broken = {k: v for k, v in good[1].items() if k != "ts"}
    sink = new_sink(warehouse)
    sink.add(TOPIC["clicks"], 0, 0, orjson.dumps([good[0]]), now=0.0)
    sink.add(TOPIC["clicks"], 0, 1, b"not json", now=0.0)
    sink.add(TOPIC["clicks"], 0, 2, orjson.dumps([broken, good[2]]), now=0.0)
    sink.add(TOPIC["clicks"], 0, 3, orjson.dumps(good[3]), now=0.0)  # a single event
    sink.add(TOPIC["clicks"], 0, 4, orjson.dumps([good[4] | {"cost": "¥1"}]), now=0.0)
    assert await sink.flush() == 2
    assert sink.take_committable() == {(TOPIC["clicks"], 0): 5}
    ids = await warehouse.aquery("SELECT event_id FROM clicks ORDER BY event_id")
    assert ids == [("k0",), ("k3",)]


async def test_the_latest_label_of_an_order_wins(warehouse: Warehouse) -> None:
    labels = [events.label(i) for i in range(5)] + [events.label(2, "release", minutes=9)]
    await write(warehouse, "labels", labels)
    rows = await warehouse.aquery(
        "SELECT order_id, label, action, rules FROM labels FINAL WHERE order_id IN ('ord1', 'ord2')"
        " ORDER BY order_id"
    )
    assert rows == [
        ("ord1", "fraud", "confirm_fraud", ["risk.same_ip_burst"]),
        ("ord2", "legit", "release", ["risk.same_ip_burst"]),
    ]


async def test_refunds_read_back_with_their_values(warehouse: Warehouse) -> None:
    refunds = [events.refund(i) for i in range(20)] + [events.refund(20, "5.00", "other")]
    assert await write(warehouse, "refunds", refunds) == 21
    rows = await warehouse.aquery(
        "SELECT refund_id, order_id, shop_id, sku, amount, user_id, reason, ts"
        " FROM refunds FINAL WHERE refund_id IN ('ref3', 'ref20') ORDER BY refund_id"
    )
    at = events.T0 + timedelta(hours=1)
    assert rows == [
        ("ref20", "ord20", "s1", "sku1", Decimal("5.00"), "u0", "other", at + timedelta(0, 20)),
        ("ref3", "ord3", "s1", "sku1", Decimal("99.90"), "u3", "quality", at + timedelta(0, 3)),
    ]
