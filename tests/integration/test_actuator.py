"""The loop closed on the real broker: a shop's enforce-mode budget rules act within
seconds of the evidence, the actuator applies each decision once (the store and the ad
platform change, the feed shows ``applied``), a duplicated delivery changes nothing, a
scale stops at the cap, a winning creative is copied once into a real campaign, and a
revert restores what was there before."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaProducer

from tests.auth import ADMIN
from tests.conftest import Server
from tests.integration.campaigns import impressions, new_campaign, sales
from tests.sse import reading

pytestmark = pytest.mark.integration

OPEN = {"learning_minutes": 0, "cooldown_s": 0, "max_actions_per_day": 100}
Match = Callable[[str, dict[str, Any]], bool]


async def enforce(
    client: httpx.AsyncClient,
    shop: str,
    scope: str,
    condition: str,
    action: dict[str, Any],
    **guard: Any,
) -> str:
    """A budget rule of ``shop`` in enforce mode, published; its id."""
    rule_id = f"budget.t{uuid.uuid4().hex[:8]}"
    draft = {
        "mode": "enforce",
        "condition": condition,
        "action": action,
        "guardrails": OPEN | guard,
    }
    body = {"id": rule_id, "kind": "condition", "shop_id": shop, "scope": scope, "draft": draft}
    assert (made := await client.post("/v1/rules", json=body)).status_code == 201, made.text
    assert (await client.post(f"/v1/rules/{rule_id}/publish", json={})).status_code == 201
    await asyncio.sleep(1.5)  # the control topic reaches the worker
    return rule_id


def results(rule_id: str, *wanted: str) -> Match:
    return lambda k, d: d["rule_id"] == rule_id and d["result"] in wanted


async def campaign(client: httpx.AsyncClient, campaign_id: str) -> dict[str, Any]:
    return (await client.get(f"/v1/campaigns/{campaign_id}")).json()  # type: ignore[no-any-return]


async def test_a_money_burning_campaign_is_paused_and_a_revert_resumes_it(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        shop, camp = await new_campaign(client, "p")
        rule = await enforce(
            client,
            shop,
            "campaign",
            "spend_30m >= 2 * target_cpa and orders_30m == 0",
            {"type": "pause"},
        )
        url = f"{server.url}/v1/stream?kind=decision&entity=campaign:{camp}&backlog=0"
        async with reading(url, ADMIN) as feed:
            started = time.monotonic()
            await client.post("/v1/events/clicks", json=impressions(shop, camp, 40))
            applied = await feed.wait_for(results(rule, "applied", "failed", "skipped"), timeout=15)
            took = time.monotonic() - started
            assert (applied["result"], applied["action"]) == ("applied", "pause"), applied
            assert (await campaign(client, camp))["status"] == "paused"

            reverted = await client.post(f"/v1/decisions/{applied['id']}/revert")
            assert reverted.status_code == 202, reverted.text
            undo = await feed.wait_for(
                lambda k, d: d["action"] == "revert" and d["result"] != "proposed", timeout=15
            )

    assert took < 5, f"applied {took:.1f} s after the events were sent"
    assert applied["observed"]["spend_30m"] == pytest.approx(40.0)
    assert (undo["result"], undo["reverts"]) == ("applied", applied["key"])
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        assert (await campaign(client, camp))["status"] == "active"
        logged = (await client.get(f"/v1/decisions/{applied['id']}")).json()
        audit = (await client.get("/v1/audit", params={"resource_id": camp})).json()["data"]
    assert logged["reverted_by"] == undo["key"]
    assert [e["actor"] for e in audit[:2]] == [
        ADMIN["authorization"].split()[1].split(".")[0],
        f"rule:{rule}@v1",
    ]


def redeliver(server: Server, decision: dict[str, Any]) -> None:
    """The proposed decision once more on the decisions topic (at-least-once delivery)."""
    again = {**decision, "result": "proposed", "reason": None}
    producer = KafkaProducer(bootstrap_servers=server.bootstrap)
    producer.send(
        server.topic("decisions"), orjson.dumps([again]), key=decision["shop_id"].encode()
    )
    producer.flush()
    producer.close()


async def test_a_winner_is_scaled_to_its_cap_once_however_often_it_is_delivered(
    server: Server,
) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        shop, camp = await new_campaign(client, "s")  # budget ¥100
        version = (await campaign(client, camp))["version"]
        capped = {"version": version, "budget_cap": "250"}
        assert (await client.patch(f"/v1/campaigns/{camp}", json=capped)).status_code == 200
        rule = await enforce(
            client,
            shop,
            "campaign",
            "roi_15m >= 2 and orders_15m >= 3",
            {"type": "scale", "factor": 3},
        )
        clicks, orders = sales(shop, camp, "cr-1", orders=5)
        url = f"{server.url}/v1/stream?kind=decision&entity=campaign:{camp}&backlog=0"
        async with reading(url, ADMIN) as feed:
            await client.post("/v1/events/clicks", json=clicks)
            await client.post("/v1/events/orders", json=orders)
            scaled = await feed.wait_for(results(rule, "applied", "failed", "skipped"), timeout=15)
            redeliver(server, scaled)
            # the rule still holds a minute later, but the budget is at the cap (a decision
            # made before the worker heard of the new budget is skipped as stale)
            later = await feed.wait_for(
                lambda k, d: d["rule_id"] == rule and d["reason"] == "cap_reached", timeout=75
            )
            seen = [d for _, d in feed.events if d["rule_id"] == rule]
        budget = (await campaign(client, camp))["daily_budget"]
        listed = (await client.get("/v1/decisions", params={"rule_id": rule})).json()

    assert scaled["result"] == "applied", scaled
    assert float(scaled["changes"]["daily_budget"]["after"]) == 250.0  # not ¥300: the cap
    assert (later["result"], later["changes"]) == ("skipped", {})
    assert float(budget) == 250.0
    assert [d["key"] for d in seen if d["result"] == "applied"] == [scaled["key"]]
    applied = [d for d in listed["data"] if d["result"] == "applied"]
    assert len(applied) == 1  # once, though delivered twice


async def test_a_winning_creative_is_copied_once_into_a_real_campaign(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        shop, camp = await new_campaign(client, "c")
        product = {
            "id": f"{shop}-tea",
            "shop_id": shop,
            "title": "Longjing",
            "category": "tea",
            "list_price": "200",
            "cost_price": "80",
            "stock": 100,
        }
        assert (await client.post("/v1/products", json=product)).status_code == 201
        creative = f"{camp}-v"
        body = {
            "id": creative,
            "campaign_id": camp,
            "product_id": f"{shop}-tea",
            "title": "Brewing Longjing",
            "video_length_s": 30,
        }
        assert (await client.post("/v1/creatives", json=body)).status_code == 201
        rule = await enforce(
            client,
            shop,
            "creative",
            "roi_60m >= 2 and orders_60m >= 3",
            {"type": "copy", "initial_budget": "80.00"},
            cooldown_s=86400,
            max_actions_per_day=1,
        )
        clicks, orders = sales(shop, camp, creative, orders=5)
        url = f"{server.url}/v1/stream?kind=decision&entity=creative:{creative}&backlog=0"
        async with reading(url, ADMIN) as feed:
            await client.post("/v1/events/clicks", json=clicks)
            await client.post("/v1/events/orders", json=orders)
            copied = await feed.wait_for(results(rule, "applied", "failed", "skipped"), timeout=15)
            redeliver(server, copied)
            await client.post("/v1/events/orders", json=sales(shop, camp, creative, orders=5)[1])
            await asyncio.sleep(3)
        new_id = copied["changes"]["copy_id"]["after"]
        new = await campaign(client, new_id)
        copies = (await client.get("/v1/campaigns", params={"shop_id": shop})).json()["data"]
        clone = (await client.get(f"/v1/creatives/{new_id}-0")).json()

    assert copied["result"] == "applied", copied
    assert (new["origin_campaign_id"], new["status"], float(new["daily_budget"])) == (
        camp,
        "active",
        80.0,
    )
    assert [c["id"] for c in copies if c.get("origin_campaign_id") == camp] == [new_id]
    assert (clone["campaign_id"], clone["product_id"]) == (new_id, f"{shop}-tea")
