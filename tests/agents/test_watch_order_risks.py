"""The order risk agents beyond the IP burst with ``agent.test_context()``: device and user
bursts, price deviation, night surge; allow-list entries silence a rule for an entity."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from tests.agents.test_agents import PARTITIONS, Sent, order, uid
from warroom.agents import watch_night_surges, watch_prices
from warroom.agents.ingest_orders import ingest_orders
from warroom.agents.watch_device_bursts import watch_device_bursts
from warroom.agents.watch_night_surges import watch_night_surges as watch_night_surges_agent
from warroom.agents.watch_prices import watch_prices as watch_prices_agent
from warroom.agents.watch_user_bursts import watch_user_bursts
from warroom.rules.risk.suppression import AllowEntry
from warroom.schemas.control import AllowListChanged
from warroom.streams import topics
from warroom.streams.allow_list import allow_list
from warroom.streams.night import NightTally
from warroom.streams.partitioning import partition_for
from warroom.streams.prices import SkuPrices


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.risk_hits, monkeypatch)


@pytest.fixture
def allow() -> Iterator[Callable[[str, str], None]]:
    """Add allow-list entries as the control topic would; removed after the test."""
    added: list[str] = []

    def add(rule_id: str, entity: str) -> None:
        entry_id = f"a-{uid()}"
        allow_list.apply(
            AllowListChanged(id=entry_id, entry=AllowEntry(rule_id=rule_id, entity=entity))
        )
        added.append(entry_id)

    yield add
    for entry_id in added:
        allow_list.apply(AllowListChanged(id=entry_id, entry=None))


def on(order_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda v: v["order_id"] == order_id


def hits_of(verdicts: Sent, rule_id: str) -> list[dict[str, Any]]:
    return [h for v in verdicts.records for h in v["hits"] if h["rule_id"] == rule_id]


# -- device and user bursts ------------------------------------------------------------------


async def test_six_orders_from_one_device_across_ips_and_users_are_a_device_burst(
    verdicts: Sent,
) -> None:
    device = f"d-{uid()}"
    orders = [
        order(f"198.51.100.{n}", n, seconds_ago=30 - n, device_id=device, user_id=f"u-{uid()}")
        for n in range(6)
    ]
    async with watch_device_bursts.test_context() as agent:
        await agent.put(orjson.dumps(orders))
        [verdict] = await verdicts.wait_for(on(orders[5]["order_id"]))

    [hit] = verdict["hits"]
    assert (hit["rule_id"], hit["entity"], hit["rule_version"]) == (
        "risk.same_device_burst",
        f"device:{device}",
        1,
    )
    assert hit["observed"]["orders"] == 6 and hit["thresholds"] == {"max_orders": 5, "window_s": 60}
    assert (verdict["outcome"], verdict["mode"]) == ("hold", "enforce")
    assert f"6 orders from device {device}" in hit["explanation"]


async def test_a_user_burst_is_caught_and_five_orders_of_another_user_are_not(
    verdicts: Sent,
) -> None:
    busy, calm = f"u-{uid()}", f"u-{uid()}"
    burst = [order("203.0.113.9", n, seconds_ago=40 - n, user_id=busy) for n in range(6)]
    normal = [order("203.0.113.9", n, seconds_ago=40 - n, user_id=calm) for n in range(5)]
    async with watch_user_bursts.test_context() as agent:
        await agent.put(orjson.dumps(normal + burst))
        await verdicts.wait_for(on(burst[5]["order_id"]))

    assert [v["order_id"] for v in verdicts.records if f"user:{calm}" in str(v["hits"])] == []
    [hit] = hits_of(verdicts, "risk.same_user_burst")
    assert hit["entity"] == f"user:{busy}"


async def test_an_allow_listed_user_gets_no_burst_hit_others_still_do(
    verdicts: Sent, allow: Callable[[str, str], None]
) -> None:
    vip, other = f"u-{uid()}", f"u-{uid()}"
    allow("risk.same_user_burst", f"user:{vip}")
    vip_orders = [order("192.0.2.7", n, seconds_ago=20 - n, user_id=vip) for n in range(8)]
    other_orders = [order("192.0.2.8", n, seconds_ago=20 - n, user_id=other) for n in range(6)]
    async with watch_user_bursts.test_context() as agent:
        await agent.put(orjson.dumps(vip_orders + other_orders))
        await verdicts.wait_for(on(other_orders[5]["order_id"]))

    assert [h["entity"] for h in hits_of(verdicts, "risk.same_user_burst")] == [f"user:{other}"]


# -- price deviation -------------------------------------------------------------------------


async def test_an_order_far_below_the_skus_average_price_is_held_normal_prices_are_not(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_prices, "sku_prices", SkuPrices())
    sku = f"SKU-{uid()}"
    usual = [order("10.1.1.1", n, sku=sku, unit_price="100.00", amount="100.00") for n in range(20)]
    cheap = order("10.1.1.2", 99, sku=sku, unit_price="39.90", amount="39.90")
    fine = order("10.1.1.3", 98, sku=sku, unit_price="89.00", amount="89.00")
    async with watch_prices_agent.test_context() as agent:
        await agent.put(orjson.dumps(usual))
        await agent.put(orjson.dumps([fine, cheap]))
        [verdict] = await verdicts.wait_for(on(cheap["order_id"]))

    [hit] = verdict["hits"]
    assert (hit["rule_id"], hit["entity"]) == ("risk.price_deviation", f"sku:{sku}")
    assert hit["observed"]["direction"] == "below" and hit["observed"]["samples"] == 21
    assert hit["thresholds"]["max_below_pct"] == 30.0
    assert "59.9% below" in hit["explanation"]
    assert (verdict["outcome"], verdict["mode"]) == ("review", "enforce")
    assert [v["order_id"] for v in verdicts.records] == [cheap["order_id"]]


async def test_a_new_sku_is_not_judged_until_its_average_rests_on_enough_orders(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_prices, "sku_prices", SkuPrices())
    sku = f"SKU-{uid()}"
    orders = [order("10.2.2.2", n, sku=sku, unit_price="100.00") for n in range(19)]
    cheap = order("10.2.2.3", 99, sku=sku, unit_price="1.00", amount="2.00")
    marker = [order("10.2.2.4", n, sku=f"M-{sku}", unit_price="100.00") for n in range(20)]
    marker.append(order("10.2.2.4", 77, sku=f"M-{sku}", unit_price="1.00", amount="2.00"))
    async with watch_prices_agent.test_context() as agent:
        await agent.put(orjson.dumps([*orders, cheap, *marker]))
        await verdicts.wait_for(on(marker[-1]["order_id"]))

    assert [v["order_id"] for v in verdicts.records] == [marker[-1]["order_id"]]


async def test_a_shop_on_the_allow_list_for_price_deviation_silences_its_skus(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch, allow: Callable[[str, str], None]
) -> None:
    monkeypatch.setattr(watch_prices, "sku_prices", SkuPrices())
    shop, sku = f"shop-{uid()}", f"SKU-{uid()}"
    allow("risk.price_deviation", f"shop:{shop}")
    usual = [order("10.3.3.3", n, sku=sku, unit_price="50.00") for n in range(20)]
    sale = order("10.3.3.4", 50, sku=sku, shop_id=shop, unit_price="5.00", amount="10.00")
    other = order("10.3.3.5", 51, sku=sku, unit_price="5.00", amount="10.00")
    async with watch_prices_agent.test_context() as agent:
        await agent.put(orjson.dumps([*usual, sale, other]))
        await verdicts.wait_for(on(other["order_id"]))

    assert [v["order_id"] for v in verdicts.records] == [other["order_id"]]


# -- night surge -----------------------------------------------------------------------------


def at_beijing(hour: int, minute: int, days_ago: int = 0) -> str:
    """An ISO time at hour:minute in Beijing, today or ``days_ago`` (a recent night)."""
    day = datetime.now(UTC).date() - timedelta(days=days_ago + 1)
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)
    return local.isoformat()


async def test_a_night_surge_in_the_shops_time_zone_is_reported_in_shadow(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_night_surges, "tally", NightTally())
    shop, sku = f"shop-{uid()}", f"SKU-{uid()}"
    # last night 02:00-02:30: 4 orders; tonight 02:00-02:30: 30 orders (7.5x)
    last = [order("10.9.0.1", n, shop_id=shop, sku=sku, ts=at_beijing(2, n, 1)) for n in range(4)]
    first_hour = [order("10.9.0.2", 0, shop_id=shop, sku=sku, ts=at_beijing(1, 30, 1))]
    tonight = [order("10.9.0.3", n, shop_id=shop, sku=sku, ts=at_beijing(2, n)) for n in range(30)]
    async with watch_night_surges_agent.test_context() as agent:
        await agent.put(orjson.dumps(first_hour + last))
        await agent.put(orjson.dumps(tonight))
        await verdicts.wait_for(on(tonight[-1]["order_id"]))

    judged = [v for v in verdicts.records if v["shop_id"] == shop]
    first = judged[0]
    assert first["order_id"] == tonight[24]["order_id"]  # the 25th order passes 6x of 4
    assert (first["mode"], first["outcome"]) == ("shadow", "hold")
    assert [h["entity"] for h in first["hits"]] == [f"shop:{shop}", f"sku:{sku}"]
    hit = first["hits"][0]
    assert hit["observed"]["orders"] == 25 and hit["observed"]["baseline"] == 4.0
    assert hit["thresholds"]["limit"] == 24.0 and hit["observed"]["tz"] == "Asia/Shanghai"
    assert len(judged) == 6


async def test_daytime_orders_and_a_quiet_night_are_not_judged(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_night_surges, "tally", NightTally())
    shop = f"shop-{uid()}"
    # one order every two minutes from 00:00 to 03:58: the night is as busy as the hours before
    steady = [at_beijing(h, m) for h in range(4) for m in range(0, 60, 2)]
    night = [order("10.8.0.2", n, shop_id=shop, ts=ts) for n, ts in enumerate(steady)]
    before: list[dict[str, Any]] = []
    day = [order("10.8.0.3", n, shop_id=shop, ts=at_beijing(14, n)) for n in range(60)]
    async with watch_night_surges_agent.test_context() as agent:
        await agent.put(orjson.dumps(before + night + day))
        await agent.put(orjson.dumps([]))

    assert [v for v in verdicts.records if v["shop_id"] == shop] == []


# -- routing ---------------------------------------------------------------------------------


async def test_ingested_orders_are_re_keyed_by_device_user_sku_and_shop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for other in (topics.orders_by_ip, topics.campaign_activity, topics.payments_by_order):
        Sent(other, monkeypatch)
    by_risk_keys = {
        "device_id": Sent(topics.orders_by_device, monkeypatch),
        "user_id": Sent(topics.orders_by_user, monkeypatch),
        "sku": Sent(topics.orders_by_sku, monkeypatch),
        "shop_id": Sent(topics.orders_by_shop, monkeypatch),
    }
    orders = [order(f"10.7.0.{n}", n, device_id=f"d{n % 3}", sku=f"K{n % 4}") for n in range(12)]
    no_device = order("10.7.1.1", 99)
    async with ingest_orders.test_context() as agent:
        await agent.put(orjson.dumps([*orders, no_device]))
        await by_risk_keys["shop_id"].wait_for(on(no_device["order_id"]))

    for field, sent in by_risk_keys.items():
        expected = [o for o in [*orders, no_device] if o.get(field) is not None]
        assert sorted(o["order_id"] for o in sent.records) == sorted(
            o["order_id"] for o in expected
        ), field
        for partition, envelope in sent.messages:  # each envelope on its key's partition
            assert {partition_for(o[field], PARTITIONS) for o in envelope} == {partition}, field
