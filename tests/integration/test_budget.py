"""The 三快 engine on live traffic: a campaign that spends with no orders is judged by the
playbook's fast-stop rule within seconds, in shadow, with its reasons."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.sse import reading

pytestmark = pytest.mark.integration


async def test_money_burning_campaign_gets_a_fast_stop_decision(server: Server) -> None:
    shop, campaign = f"bs-{uuid.uuid4().hex[:6]}", f"bc-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        assert (
            await client.post(
                "/v1/shops",
                json={
                    "id": shop,
                    "name": "tea",
                    "platform": "douyin",
                    "time_zone": "Asia/Shanghai",
                },
            )
        ).status_code == 201
        assert (
            await client.post(
                "/v1/campaigns",
                json={
                    "id": campaign,
                    "shop_id": shop,
                    "platform": "douyin",
                    "objective": "orders",
                    "daily_budget": "100",
                    "bid": "1",
                    "budget_cap": "500",
                    "target_cpa": "10",
                    "target_roi": "2",
                },
            )
        ).status_code == 201
        now = datetime.now(UTC).isoformat()
        clicks = [
            {
                "event_id": f"{campaign}-{n}",
                "ts": now,
                "kind": "impression",
                "shop_id": shop,
                "campaign_id": campaign,
                "creative_id": "cr-1",
                "viewer": {"viewer_id": f"v{n}"},
                "cost": "1.00",
            }
            for n in range(50)
        ]
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
