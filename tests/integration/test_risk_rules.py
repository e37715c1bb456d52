"""The risk rules beyond the IP burst on the real broker: crafted orders and payments over
HTTP to a ``warroom serve`` process, explained verdicts on the SSE feed; each attack is
caught, the normal traffic beside it is not judged."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.integration.test_pipeline import order
from tests.sse import reading

pytestmark = pytest.mark.integration
Match = Callable[[str, dict[str, Any]], bool]


def uid() -> str:
    return uuid.uuid4().hex[:8]


def hit_of(rule_id: str, entity: str) -> Match:
    def match(kind: str, data: dict[str, Any]) -> bool:
        hits = data["hits"] if kind == "verdict" else []
        return any(h["rule_id"] == rule_id and h["entity"] == entity for h in hits)

    return match


async def verdicts_of_shop(
    server: Server, shop: str, steps: list[tuple[str, list[dict[str, Any]]]], last: Match
) -> list[dict[str, Any]]:
    """Every verdict on ``shop``'s orders once ``last`` matched one (and a second more).

    ``steps`` are posted a second apart: events of one post are spread over partitions
    (orders by IP, payments by order), so only separate posts arrive in a known order."""
    url = f"{server.url}/v1/stream?entity=shop:{shop}&backlog=0"
    async with reading(url, ADMIN) as feed:
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            for n, (kind, batch) in enumerate(steps):
                await asyncio.sleep(1 if n else 0)
                resp = await client.post(f"/v1/events/{kind}", json=batch)
                assert resp.status_code == 202 and resp.json()["rejected"] == [], resp.text
        await feed.wait_for(last, timeout=15)
        await asyncio.sleep(1)
        return [data for kind, data in feed.events if kind == "verdict"]


def judged(verdicts: list[dict[str, Any]], rule_id: str) -> set[str]:
    return {v["order_id"] for v in verdicts if rule_id in [h["rule_id"] for h in v["hits"]]}


async def test_device_and_user_bursts_are_caught_and_normal_buyers_are_not(
    server: Server,
) -> None:
    shop, device, user = f"shop-{uid()}", f"dev-{uid()}", f"user-{uid()}"
    by_device = [
        order(f"10.20.0.{n}", n, seconds_ago=30 - n, shop_id=shop, device_id=device)
        for n in range(6)
    ]
    by_user = [
        order(f"10.21.0.{n}", n, seconds_ago=30 - n, shop_id=shop, user_id=user) for n in range(6)
    ]
    normal = [order(f"10.22.0.{n}", n, seconds_ago=30 - n, shop_id=shop) for n in range(20)]
    verdicts = await verdicts_of_shop(
        server,
        shop,
        [("orders", [*normal, *by_device, *by_user])],
        hit_of("risk.same_user_burst", f"user:{user}"),
    )

    # one verdict each, on whichever order of the burst came sixth (they cross partitions)
    [on_device] = judged(verdicts, "risk.same_device_burst")
    [on_user] = judged(verdicts, "risk.same_user_burst")
    assert on_device in {o["order_id"] for o in by_device}
    assert on_user in {o["order_id"] for o in by_user}
    assert {v["order_id"] for v in verdicts} == {on_device, on_user}  # normal buyers: none
    device_verdict = next(v for v in verdicts if v["order_id"] == on_device)
    assert (device_verdict["outcome"], device_verdict["mode"]) == ("hold", "enforce")
    assert f"device:{device}" in device_verdict["entities"]


async def test_an_order_far_below_the_skus_average_is_caught_usual_prices_are_not(
    server: Server,
) -> None:
    shop, sku = f"shop-{uid()}", f"SKU-{uid()}"
    usual = [
        order(f"10.30.0.{n}", n, shop_id=shop, sku=sku, unit_price=price, amount=price)
        for n, price in enumerate(["99.00", "101.00", "100.00", "95.00", "105.00"] * 5)
    ]
    cheap = order("10.30.1.1", 99, shop_id=shop, sku=sku, unit_price="19.90", amount="19.90")
    verdicts = await verdicts_of_shop(
        server,
        shop,
        [("orders", usual), ("orders", [cheap])],
        hit_of("risk.price_deviation", f"sku:{sku}"),
    )

    [verdict] = verdicts
    assert verdict["order_id"] == cheap["order_id"]
    [hit] = verdict["hits"]
    assert hit["observed"]["direction"] == "below" and hit["observed"]["samples"] == 25
    assert "below" in hit["explanation"] and hit["rule_version"] == 1


async def test_failed_payments_of_one_card_then_a_success_are_caught(server: Server) -> None:
    shop, card = f"shop-{uid()}", f"h-{uid()}"
    orders = [order(f"10.40.0.{n}", n, shop_id=shop) for n in range(6)]
    tries = [
        payment(o, "failed" if n < 4 else "success", card if n < 5 else f"h-{uid()}")
        for n, o in enumerate(orders)
    ]
    verdicts = await verdicts_of_shop(
        server,
        shop,
        [("orders", orders), ("payments", tries[:4]), ("payments", tries[4:])],
        hit_of("risk.payment_failures", f"card:{card}"),
    )

    caught = judged(verdicts, "risk.payment_failures")
    failures = {o["order_id"] for o in orders[:4]}
    assert len(caught & failures) == 1  # whichever failure came fourth (they cross partitions)
    assert caught - failures == {orders[4]["order_id"]}  # and the success right after them
    success = next(v for v in verdicts if v["order_id"] == orders[4]["order_id"])
    assert success["hits"][0]["observed"]["failures"] == 4
    assert f"card:{card}" in success["entities"]


def payment(placed: dict[str, Any], status: str, card: str) -> dict[str, Any]:
    return {
        "event_id": f"pe-{uid()}",
        "ts": placed["ts"],
        "payment_id": f"p-{placed['order_id']}",
        "order_id": placed["order_id"],
        "amount": placed["amount"],
        "method": "card",
        "status": status,
        "card_hash": card,
    }


@pytest.fixture
async def night_now(server: Server) -> AsyncIterator[dict[str, Any]]:
    """The night-surge rule tuned so that a slot opened ten minutes ago (Beijing time) and
    enforced; its built-in version is live again afterwards."""
    url = "/v1/rules/risk.night_surge"
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    start, end = local - timedelta(minutes=10), local + timedelta(minutes=50)
    params = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "factor": 6, "min_orders": 20}
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        rule = (await client.get(url)).json()
        draft = {"mode": "enforce", "params": params}
        assert (
            await client.patch(url, json={"revision": rule["revision"], "draft": draft})
        ).is_success
        published = await client.post(f"{url}/publish", json={"note": "slot around now"})
        assert published.status_code == 201, published.text
        await asyncio.sleep(1.5)  # a published version reaches the worker within a second
        yield published.json()
        await client.post(f"{url}/rollback", json={"version": 1, "note": "test over"})


async def test_a_surge_of_orders_in_the_night_slot_is_caught_against_the_span_before(
    server: Server, night_now: dict[str, Any]
) -> None:
    shop, sku = f"shop-{uid()}", f"SKU-{uid()}"
    # watched since 25 min ago; two orders in the 10 minutes before the slot opened
    before = [
        order("10.50.0.1", n, shop_id=shop, sku=sku, seconds_ago=s)
        for n, s in enumerate([1500, 900, 800])
    ]
    surge = [order(f"10.50.1.{n}", n, shop_id=shop, sku=sku, seconds_ago=5) for n in range(25)]
    verdicts = await verdicts_of_shop(
        server,
        shop,
        [("orders", before), ("orders", surge)],
        hit_of("risk.night_surge", f"shop:{shop}"),
    )

    caught = judged(verdicts, "risk.night_surge")
    assert len(caught) == 6 and caught <= {o["order_id"] for o in surge}  # 20th to 25th
    hits = [h for v in verdicts for h in v["hits"] if h["entity"] == f"shop:{shop}"]
    assert sorted(h["observed"]["orders"] for h in hits) == list(range(20, 26))
    assert {h["observed"]["baseline"] for h in hits} == {2.0}  # the 10 minutes before
    assert {h["rule_version"] for h in hits} == {night_now["version"]}
    assert {v["mode"] for v in verdicts} == {"enforce"}


async def test_an_allow_listed_device_gets_no_burst_hit_once_the_api_says_so(
    server: Server,
) -> None:
    shop, listed, other = f"shop-{uid()}", f"dev-{uid()}", f"dev-{uid()}"
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        entry = {"rule_id": "risk.same_device_burst", "entity": f"device:{listed}"}
        added = await client.post("/v1/allow-list", json={**entry, "reason": "shop's own kiosk"})
        assert added.status_code == 201, added.text
    await asyncio.sleep(1.5)  # an entry reaches every worker within a second
    bursts = [
        order(f"10.60.{k}.{n}", n, seconds_ago=20 - n, shop_id=shop, device_id=device)
        for k, device in enumerate((listed, other))
        for n in range(7)
    ]
    verdicts = await verdicts_of_shop(
        server, shop, [("orders", bursts)], hit_of("risk.same_device_burst", f"device:{other}")
    )

    devices = {h["entity"] for v in verdicts for h in v["hits"]}
    assert devices == {f"device:{other}"}


def both_hits(order_id: str, *rule_ids: str) -> Match:
    def match(kind: str, data: dict[str, Any]) -> bool:
        fired = {h["rule_id"] for h in data["hits"]} if kind == "verdict" else set()
        return data.get("order_id") == order_id and fired >= set(rule_ids)

    return match


async def test_an_order_caught_by_two_rules_gets_one_verdict_with_both_scores(
    server: Server,
) -> None:
    """The IP burst's agent and the price agent judge the order on different partitions;
    the assembler sums their hits: 60 + 40 = 100, declined."""
    shop, sku, ip = f"shop-{uid()}", f"SKU-{uid()}", f"10.40.{uuid.uuid4().int % 250}.9"
    usual = [
        order(f"10.41.0.{n}", n, shop_id=shop, sku=sku, unit_price=p, amount=p)
        for n, p in enumerate(["99.00", "101.00", "100.00", "95.00", "105.00"] * 5)
    ]
    burst = [
        order(
            ip,
            100 + n,
            seconds_ago=10 - n,
            shop_id=shop,
            sku=sku,
            unit_price="100.00",
            amount="100.00",
        )
        for n in range(5)
    ]
    cheap = order(ip, 200, shop_id=shop, sku=sku, unit_price="19.90", amount="19.90")
    rules = ("risk.same_ip_burst", "risk.price_deviation")
    verdicts = await verdicts_of_shop(
        server,
        shop,
        [("orders", usual), ("orders", burst), ("orders", [cheap])],
        both_hits(cheap["order_id"], *rules),
    )

    on_cheap = [v for v in verdicts if v["order_id"] == cheap["order_id"]]
    final = on_cheap[-1]
    assert sorted(h["rule_id"] for h in final["hits"]) == sorted(rules)
    assert (final["score"], final["outcome"]) == (100, "decline")
    assert {h["score"] for h in final["hits"]} == {60, 40}
    assert all(v["order_id"] == cheap["order_id"] for v in verdicts)  # the burst's others: none


def refund_of(placed: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": f"r-{placed['order_id']}",
        "ts": placed["ts"],
        "refund_id": f"rf-{placed['order_id']}",
        "order_id": placed["order_id"],
        "shop_id": placed["shop_id"],
        "sku": placed["sku"],
        "amount": placed["amount"],
        "reason": "not_as_described",
    }


async def test_a_shop_whose_refunds_jump_is_caught_against_the_other_shops(
    server: Server,
) -> None:
    """Other shops refund 1 order in 20; this one refunds 1 in 3 of the same hour."""
    tag = uid()
    normal_orders, normal_refunds = [], []
    for s in range(3):
        placed = [
            order(f"10.50.{s}.{n}", n, shop_id=f"shop-ok{s}-{tag}", sku=f"SKU-ok{s}-{tag}")
            for n in range(40)
        ]
        normal_orders += placed
        normal_refunds += [refund_of(o) for o in placed[:2]]
    shop, sku = f"shop-{tag}", f"SKU-{tag}"
    mine = [order(f"10.51.0.{n}", n, shop_id=shop, sku=sku) for n in range(30)]
    refunds = [refund_of(o) for o in mine[:10]]
    verdicts = await verdicts_of_shop(
        server,
        shop,
        [("orders", normal_orders + mine), ("refunds", normal_refunds), ("refunds", refunds)],
        hit_of("risk.refund_spike", f"shop:{shop}"),
    )

    refunded = {r["order_id"] for r in refunds}
    assert verdicts and {v["order_id"] for v in verdicts} <= refunded
    hit = next(h for h in verdicts[0]["hits"] if h["entity"] == f"shop:{shop}")
    assert hit["observed"]["refunds"] >= 5 and hit["observed"]["paid_orders"] == 30
    assert hit["observed"]["rate"] > 3 * hit["observed"]["baseline_rate"]
    assert hit["observed"]["baseline_rate"] < 0.1  # the other shops' usual rate
