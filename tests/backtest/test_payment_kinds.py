"""The payment rules replayed over a day in chdb with known attacks among ordinary
payments: card testing (repeated failures), a reused and a double-captured payment id,
payments for orders never placed (or placed too late), a short payment. Each backtest
flags exactly the attacked orders, holds what the scores hold, and measures itself
against the analysts' labels; a draft beside the live version moves what it should."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.backtest.events import DAY, DAY0, PRICE, label, order, payment, plan
from tests.warehouse.writes import write
from warroom.backtest.payments import MEMORY_S, PaymentRow, replay_duplicates
from warroom.backtest.report import BacktestReport, Side
from warroom.backtest.run import backtest
from warroom.rules.risk import duplicate_payment
from warroom.store.warehouse import Warehouse

CARD_TESTING = [f"ct{k}" for k in range(6)]
FRAUD = ["ct1", "ct3", "ct4", "ct5", "ghost1", "o6", "o9"]  # confirmed by the analysts
LEGIT = ["o8", "o50"]


async def write_day(wh: Warehouse) -> None:
    """100 ordinary orders paid 20 s later, and the attacks."""
    orders = [order(f"o{i}", 600 * i + 30, user=f"u{i % 20}") for i in range(100)]
    pays = [payment(o.order_id, 600 * i + 50, card=f"h{i % 10}") for i, o in enumerate(orders)]
    # card testing at noon: one card, one buyer, five failures in a minute, then a success
    orders += [order(oid, 43_200 + 10 * k, user="uX") for k, oid in enumerate(CARD_TESTING)]
    pays += [payment(f"ct{k}", 43_205 + 10 * k, "failed", card="hX") for k in range(5)]
    pays.append(payment("ct5", 43_255, card="hX"))
    # o5's payment id again for o6 (reused); o8 captured twice; o7 pending then settled
    pays.append(payment("o6", 3660, pid="pay-o5", eid="e-reuse"))
    pays.append(payment("o8", 4900, eid="e-again"))
    pays.append(payment("o7", 4240, "pending"))  # then its usual success at 4250
    # payments for orders never placed, placed within the grace (60 s), placed 10 min late
    pays += [payment("ghost1", 20_000), payment("ghost2", 20_100), payment("late1", 30_000)]
    orders.append(order("late1", 30_060))
    pays.append(payment("later1", 40_000))
    orders.append(order("later1", 40_600))
    # o9 paid ¥10 short
    pays = [p for p in pays if p.order_id != "o9"] + [payment("o9", 5450, amount=PRICE - 10)]
    labels = [label(oid, True, 50_000) for oid in FRAUD] + [
        label(oid, False, 50_000) for oid in LEGIT
    ]
    for table, rows in (("orders", orders), ("payments", pays), ("labels", labels)):
        await write(wh, table, rows)


async def replay(
    wh: Warehouse, kind: str, draft: dict[str, Any], live: dict[str, Any]
) -> BacktestReport:
    await write_day(wh)
    return await backtest(wh, plan(kind, draft, live), DAY0, DAY0 + DAY)


def flagged(side: Side | None) -> set[str]:
    assert side is not None
    return {d["order_id"] for d in side.decisions}


async def test_card_testing_is_held_from_the_fourth_failure(chdb: Warehouse) -> None:
    report = await replay(chdb, "payment_failures", {"max_failures": 4}, {"max_failures": 3})
    live, draft = report.live, report.candidate
    assert live is not None
    assert flagged(live) == {"ct3", "ct4", "ct5"}  # 4th and 5th failure, the success after
    assert live.summary["held"] == 3  # card and buyer both fire: 40 + 40
    assert live.summary["outcomes"] == {"hold": 3}
    hits = next(d for d in live.decisions if d["order_id"] == "ct5")["hits"]
    assert {h["entity"] for h in hits} == {"card:hX", "user:uX"}
    assert live.summary["amount_held"] == 3 * PRICE
    assert (live.summary["precision"], live.summary["recall"]) == (1.0, round(3 / 7, 6))
    assert flagged(draft) == {"ct4", "ct5"} and draft.summary["recall"] == round(2 / 7, 6)
    assert live.summary["judged"] == 113  # every payment of the day
    assert report.history["payments"] == 6  # only the card's and buyer's are replayed


async def test_reused_and_double_captured_ids_not_a_settled_pending(chdb: Warehouse) -> None:
    report = await replay(chdb, "duplicate_payment", {"score": 60}, {})
    live = report.live
    assert live is not None
    assert flagged(live) == {"o6", "o8"}  # o7's pending → success is the normal lifecycle
    reasons = {d["order_id"]: d["hits"][0]["explanation"] for d in live.decisions}
    assert "order o5 then o6" in reasons["o6"] and "success twice" in reasons["o8"]
    assert (live.summary["held"], live.summary["outcomes"]) == (0, {"review": 2})  # score 50
    assert report.candidate.summary["held"] == 2  # the draft scores 60: held
    assert (live.summary["precision"], live.summary["recall"]) == (0.5, round(1 / 7, 6))


async def test_payments_for_orders_never_placed_in_time(chdb: Warehouse) -> None:
    report = await replay(chdb, "unknown_order_payment", {"grace_s": 900}, {})
    live = report.live
    assert live is not None
    assert flagged(live) == {"ghost1", "ghost2", "later1"}  # late1's order came in 60 s
    assert flagged(report.candidate) == {"ghost1", "ghost2"}  # 15 min of grace: later1 ok
    waited = {d["order_id"]: d["hits"][0]["explanation"] for d in live.decisions}
    assert "still unseen 300 s later" in waited["ghost1"]
    assert (live.summary["precision"], live.summary["recall"]) == (1.0, round(1 / 7, 6))


async def test_a_short_payment_is_held(chdb: Warehouse) -> None:
    report = await replay(chdb, "payment_mismatch", {"tolerance": "20"}, {})
    live = report.live
    assert live is not None
    assert flagged(live) == {"o9"} and live.summary["held"] == 1
    assert live.summary["amount_held"] == PRICE - 10
    assert flagged(report.candidate) == set()  # ¥20 of tolerance lets ¥10 short pass


@pytest.mark.parametrize("shop", ["s2"])
async def test_a_shop_rule_replays_its_own_payments(chdb: Warehouse, shop: str) -> None:
    await write_day(chdb)
    shop_plan = plan("payment_mismatch", {}, {}, shop=shop)
    report = await backtest(chdb, shop_plan, DAY0, DAY0 + DAY)
    assert report.candidate.summary["flagged"] == 0 and report.candidate.summary["judged"] == 0
    assert Decimal(report.candidate.summary["amount_held"]) == 0


def test_an_id_seen_again_after_the_agents_memory_is_no_duplicate() -> None:
    def paid(oid: str, ts: float, eid: str) -> PaymentRow:
        return PaymentRow(ts, eid, "pay-1", oid, PRICE, "card", "success", "", PRICE)

    soon = [paid("o1", 0.0, "e1"), paid("o2", MEMORY_S - 1, "e2")]
    later = [paid("o1", 0.0, "e1"), paid("o2", MEMORY_S + 1, "e2")]
    assert list(replay_duplicates(soon, duplicate_payment.Params())) == ["o2"]
    assert replay_duplicates(later, duplicate_payment.Params()) == {}
