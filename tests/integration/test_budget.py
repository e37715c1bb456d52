"""The 三快 engine on live traffic: a campaign that spends with no orders is judged by the
playbook's fast-stop rule, and a creative that sells at a high ROI by its fast-copy rule,
within seconds, in shadow, with their reasons."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.integration.campaigns import impressions, new_campaign, sales
from tests.sse import reading

pytestmark = pytest.mark.integration


async def test_money_burning_campaign_gets_a_fast_stop_decision(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        shop, campaign = await new_campaign(client, "b")
        clicks = impressions(shop, campaign, 50)
        url = f"{server.url}/v1/stream?kind=decision&entity=campaign:{campaign}&backlog=0"
        async with reading(url, ADMIN) as feed:
            await client.post("/v1/events/clicks", json=clicks)
            decision = await feed.wait_for(
                lambda k, d: d["rule_id"] == "budget.fast_stop_no_orders", timeout=15
            )

    assert (decision["action"], decision["mode"]) == ("pause", "shadow")
    assert decision["rule_version"] == 1
    assert decision["observed"]["spend_30m"] == pytest.approx(50.0)
    assert decision["observed"]["orders_30m"] == 0
    assert decision["observed"]["target_cpa"] == pytest.approx(10.0)
    # the campaign was created seconds ago: the learning phase holds the action back
    assert (decision["result"], decision["reason"]) == ("skipped", "learning")
    assert f"shop:{shop}" in decision["entities"]


async def live_of(client: httpx.AsyncClient, creative: str, timeout: float = 5) -> Any:
    """The creative's live answer, once the API holds a snapshot of it."""
    deadline = time.monotonic() + timeout
    while (resp := await client.get(f"/v1/creatives/{creative}/live")).status_code == 404:
        assert time.monotonic() < deadline, f"no live data for {creative}"
        await asyncio.sleep(0.1)
    return resp.json()


async def test_winning_creative_gets_a_fast_copy_decision(server: Server) -> None:
    run = uuid.uuid4().hex[:6]
    shop, campaign, creative = f"ws-{run}", f"wc-{run}", f"wv-{run}"
    entities = [
        ("/v1/shops", {"id": shop, "name": "tea", "platform": "douyin"}),
        (
            "/v1/products",
            {
                "id": f"{shop}-tea",
                "shop_id": shop,
                "title": "Longjing",
                "category": "tea",
                "list_price": "200",
                "cost_price": "80",
                "stock": 100,
            },
        ),
        (
            "/v1/campaigns",
            {
                "id": campaign,
                "shop_id": shop,
                "platform": "douyin",
                "objective": "orders",
                "daily_budget": "100",
                "bid": "1",
                "budget_cap": "500",
                "target_cpa": "50",
                "target_roi": "2",
            },
        ),
        (
            "/v1/creatives",
            {
                "id": creative,
                "campaign_id": campaign,
                "product_id": f"{shop}-tea",
                "title": "Brewing Longjing",
                "video_length_s": 30,
            },
        ),
    ]
    clicks, orders = sales(shop, campaign, creative, orders=5)
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        for path, body in entities:
            assert (await client.post(path, json=body)).status_code == 201, path
        url = f"{server.url}/v1/stream?kind=decision&entity=creative:{creative}&backlog=0"
        async with reading(url, ADMIN) as feed:
            await client.post("/v1/events/clicks", json=clicks)
            await client.post("/v1/events/orders", json=orders)
            decision = await feed.wait_for(
                lambda k, d: d["rule_id"] == "budget.fast_copy_winners", timeout=15
            )
        live = await live_of(client, creative)

    assert (decision["kind"], decision["action"], decision["mode"]) == (
        "decision",
        "copy",
        "shadow",
    )
    assert (decision["entity_kind"], decision["entity_id"]) == ("creative", creative)
    assert decision["campaign_id"] == campaign
    assert decision["observed"]["roi_60m"] == pytest.approx(1000 / 150, rel=1e-3)
    assert decision["observed"]["orders_60m"] == 5
    assert decision["changes"]["copy_daily_budget"]["after"] == "500.00"
    # the creative was created seconds ago: the learning phase holds the copy back
    assert (decision["result"], decision["reason"]) == ("skipped", "learning")
    assert {f"campaign:{campaign}", f"shop:{shop}"} <= set(decision["entities"])
    assert (live["campaign_id"], live["shop_id"]) == (campaign, shop)
    assert live["windows"]["60m"]["clicks"] == 100
