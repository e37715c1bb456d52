"""The state the risk agents keep: the worker's allow-list (entries from the control topic
silence hits), night-slot tallies and their baselines, and running SKU prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.rules.risk.test_suppression import rule_hits
from warroom.rules.base import Hit
from warroom.rules.risk import night_surge
from warroom.rules.risk.price_stats import RunningMean
from warroom.rules.risk.suppression import AllowEntry
from warroom.schemas.control import AllowListChanged
from warroom.schemas.events import Order
from warroom.streams.allow_list import AllowList
from warroom.streams.night import NightTally
from warroom.streams.prices import SkuPrices

NOW = 1_731_348_000.0  # 2024-11-11 18:00 UTC = 02:00 in Beijing


def allow(*entries: tuple[str, AllowEntry | None]) -> AllowList:
    """A worker's allow-list after these control messages (entry None: removed)."""
    book = AllowList()
    for entry_id, entry in entries:
        book.apply(AllowListChanged(id=entry_id, entry=entry))
    return book


@given(rule_hits, st.sampled_from(["entity", "also", "rule", "any rule"]))
def test_an_allow_listed_entity_never_gets_a_hit_from_that_rule(hit: Hit | None, how: str) -> None:
    if hit is None:
        return
    rule = "*" if how == "any rule" else hit.rule_id
    entity = "shop:s1" if how == "also" else hit.entity
    book = allow(("a1", AllowEntry(rule_id=rule, entity=entity)))

    assert book.standing([(hit, "v1")], ["order:o1", "shop:s1"], NOW) == []


@given(rule_hits)
def test_an_entry_of_another_rule_or_entity_or_a_removed_one_silences_nothing(
    hit: Hit | None,
) -> None:
    if hit is None:
        return
    book = allow(
        ("a1", AllowEntry(rule_id="risk.other_rule", entity=hit.entity)),
        ("a2", AllowEntry(rule_id=hit.rule_id, entity="ip:192.0.2.250")),
        ("a3", AllowEntry(rule_id=hit.rule_id, entity=hit.entity)),
        ("a3", None),  # removed again
        ("a4", AllowEntry(rule_id="*", entity=hit.entity, expires_at=NOW)),  # snooze over
    )

    assert book.standing([(hit, "v1")], ["order:o1"], NOW) == [(hit, "v1")]
    assert len(book) == 3


def order(ts: float, n: int, price: str = "100.00", **over: Any) -> Order:
    fields = {
        "event_id": f"e{n}",
        "ts": datetime.fromtimestamp(ts, UTC),
        "order_id": f"o{n}",
        "user_id": "u1",
        "ip": "10.0.0.1",
        "shop_id": "s1",
        "sku": "k1",
        "quantity": 1,
        "unit_price": price,
        "amount": price,
        **over,
    }
    return Order.model_validate(fields)


def test_a_slot_is_measured_against_last_night_when_the_worker_saw_it() -> None:
    tally, params = NightTally(), night_surge.Params()
    tally.add("shop", "s1", NOW - 86_400 - 3600)  # watching since 01:00 last night
    for minute in range(3):
        tally.add("shop", "s1", NOW - 86_400 + 60 * minute)  # 3 orders from 02:00 last night
    for minute in range(10):
        tally.add("shop", "s1", NOW + 60 * minute)

    counts = tally.counts("shop", "s1", NOW + 600, "Asia/Shanghai", params)

    assert (counts.orders, counts.baseline) == (10, 3.0)


def test_without_last_night_the_span_before_the_slot_is_the_baseline_if_watched() -> None:
    watched, unwatched, params = NightTally(), NightTally(), night_surge.Params()
    watched.add("shop", "s1", NOW - 3000)  # since 01:10
    for tally in (watched, unwatched):
        tally.add("shop", "s1", NOW - 300)  # 01:55, in the 10 minutes before 02:00
        tally.add("shop", "s1", NOW + 540)

    assert watched.counts("shop", "s1", NOW + 540, "Asia/Shanghai", params).baseline == 1.0
    assert unwatched.counts("shop", "s1", NOW + 540, "Asia/Shanghai", params).baseline is None


def test_a_history_baseline_wins_and_outside_the_slot_there_is_none() -> None:
    tally = NightTally(history=lambda scope, key, opened, span: 42.0)
    tally.add("sku", "k1", NOW)

    assert tally.counts("sku", "k1", NOW, "Asia/Shanghai", night_surge.Params()).baseline == 42.0
    day = tally.counts("sku", "k1", NOW - 8 * 3600, "Asia/Shanghai", night_surge.Params())
    assert (day.orders, day.baseline) == (0, None)


def test_old_minutes_are_forgotten() -> None:
    tally = NightTally()
    tally.add("shop", "s1", NOW - 3 * 86_400)
    tally.add("shop", "s1", NOW)
    tally.expire()

    assert tally.count("shop", "s1", NOW - 4 * 86_400, NOW) == 1


def test_a_price_that_fires_is_not_learned_and_a_redelivery_is_learned_once() -> None:
    prices, now = SkuPrices(), datetime.fromtimestamp(NOW, UTC)
    for n in range(20):
        assert prices.judge(order(NOW + n, n), now) is None
    fraud = order(NOW + 30, 30, price="10.00")
    again = order(NOW + 31, 31, price="90.00")

    assert prices.judge(fraud, now) is not None
    assert prices.history("k1").count == 20  # the fraudulent price taught nothing
    prices.judge(again, now)
    prices.judge(again, now)
    assert prices.history("k1").count == 21


def test_the_warehouse_seam_seeds_a_sku_once() -> None:
    asked: list[str] = []

    def seed(sku: str) -> RunningMean | None:
        asked.append(sku)
        return RunningMean.seeded(200.0, 500)

    prices, now = SkuPrices(seed), datetime.fromtimestamp(NOW, UTC)
    verdict = prices.judge(order(NOW, 1, price="100.00", sku="k9"), now)
    prices.judge(order(NOW, 2, price="199.00", sku="k9"), now)

    assert verdict is not None and verdict.hits[0].observed["samples"] == 500
    assert asked == ["k9"] and prices.history("k9").count == 501
    assert Decimal(str(verdict.hits[0].observed["unit_price"])) == Decimal("100.00")
