"""Refund spikes and score thresholds replayed over chdb: a shop whose refunds jump from
its usual 10% is flagged from the refund that takes it over factor × its own rate (its
28-day history in the warehouse, not the other shop's 5%), a calm shop never is; a
draft moving the hold line holds the orders between the two lines, and only enforced
verdicts can be held."""

from __future__ import annotations

from tests.backtest.events import DAY, DAY0, PRICE, label, order, plan, refund, verdict
from tests.warehouse.writes import write
from warroom.backtest.run import backtest
from warroom.store.warehouse import Warehouse

HOUR = 3600


async def write_refunds(wh: Warehouse) -> None:
    """Four days before: s1's usual rate is 10% (100 orders, 10 refunds), s2's 5%. The
    day: each shop sells 40 orders after midnight; s1 gets 20 refunds from 02:00, s2 two."""
    orders, refunds = [], []
    for shop, sku in (("s1", "a1"), ("s2", "b1")):
        past = [order(f"{shop}-p{i}", -4 * 86_400 + 60 * i, shop, sku) for i in range(100)]
        usual = 10 if shop == "s1" else 5
        refunds += [refund(o, -4 * 86_400 + 7200 + i) for i, o in enumerate(past[:usual])]
        today = [order(f"{shop}-d{i}", 60 * i, shop, sku) for i in range(40)]
        n = 20 if shop == "s1" else 2
        refunds += [refund(o, 2 * HOUR + 60 * k) for k, o in enumerate(today[:n])]
        orders += past + today
    # the analysts: 10 of the late refunds were fraud, 2 legit; one early one fraud too
    labels = [label(f"s1-d{k}", True, 3 * HOUR) for k in range(6, 16)]
    labels += [label(f"s1-d{k}", False, 3 * HOUR) for k in (16, 17)]
    labels.append(label("s1-d2", True, 3 * HOUR))
    for table, rows in (("orders", orders), ("refunds", refunds), ("labels", labels)):
        await write(wh, table, rows)


async def test_a_refund_spike_against_the_shops_usual_rate(chdb: Warehouse) -> None:
    await write_refunds(chdb)
    draft, live = {"factor": 2, "score": 60}, {"factor": 3, "score": 60}
    report = await backtest(chdb, plan("refund_spike", draft, live), DAY0, DAY0 + DAY)
    side, cand = report.live, report.candidate
    assert side is not None
    # 13 refunds on 40 orders = 32.5% > 3 × 10%: the 13th refund and every one after
    assert [d["order_id"] for d in side.decisions] == [f"s1-d{k}" for k in range(12, 20)]
    first = side.decisions[0]["hits"][0]
    assert first["entity"] == "shop:s1" and "13 refunds on 40 paid orders" in first["explanation"]
    assert (side.summary["judged"], side.summary["held"]) == (22, 8)  # s2's 2 never
    assert side.summary["precision"] == round(4 / 6, 6)
    assert side.summary["recall"] == round(4 / 11, 6)
    # 2 × 10%: from the 9th refund (22.5%), catching twice as much fraud
    assert [d["order_id"] for d in cand.decisions] == [f"s1-d{k}" for k in range(8, 20)]
    assert (cand.summary["precision"], cand.summary["recall"]) == (0.8, round(8 / 11, 6))
    assert report.history["refunds"] == 22  # the days before give the rates, not the tally
    assert report.history["orders"] == 80


async def write_verdicts(wh: Warehouse) -> None:
    """Orders scored 30 (review), 45 (review), 60 (hold), 90 (decline), and 45 in shadow."""
    scores = {"v30": 30.0, "v45a": 45.0, "v45b": 45.0, "v60": 60.0, "v90": 90.0}
    rows = [
        verdict(oid, 600 * i, s, ["risk.same_ip_burst"])
        for i, (oid, s) in enumerate(scores.items())
    ]
    rows.append(verdict("shadow45", 4000, 45.0, ["risk.night_surge"], mode="shadow"))
    rows.append(verdict("v90", 100, 30.0, ["risk.price_deviation"]))  # an earlier partial
    labels = [label("v45a", True, 0), label("v45b", False, 0), label("v60", True, 0)]
    labels.append(label("shadow45", True, 0))
    await write(wh, "orders", [order(oid, 600 * i) for i, oid in enumerate(scores)])
    await write(wh, "verdicts", rows)
    await write(wh, "labels", labels)


async def test_a_lower_hold_line_holds_the_orders_between(chdb: Warehouse) -> None:
    await write_verdicts(chdb)
    draft = {"review": 30, "hold": 40, "decline": 90}
    report = await backtest(chdb, plan("thresholds", draft, {}), DAY0, DAY0 + DAY)
    live, cand = report.live, report.candidate
    assert live is not None
    assert live.summary["outcomes"] == {"review": 3, "hold": 1, "decline": 1}
    assert cand.summary["outcomes"] == {"review": 1, "hold": 3, "decline": 1}
    assert (live.summary["held"], cand.summary["held"]) == (2, 4)  # v45a and v45b join
    assert (live.summary["amount_held"], cand.summary["amount_held"]) == (2 * PRICE, 4 * PRICE)
    assert cand.summary["judged"] == 5  # the shadow verdict cannot be held
    assert (live.summary["precision"], live.summary["recall"]) == (round(2 / 3, 6), round(2 / 3, 6))
    why = {d["order_id"]: d["hits"][0]["explanation"] for d in cand.decisions}
    assert why["v45a"] == "recorded score 45 (risk.same_ip_burst): hold"
    assert "shadow45" not in why
