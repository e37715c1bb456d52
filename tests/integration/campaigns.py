"""Test helpers: a shop and campaign made through the API, and traffic that only spends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx


async def new_campaign(client: httpx.AsyncClient, prefix: str) -> tuple[str, str]:
    """A fresh shop and an active campaign in it (target CPA ¥10, ROI 2); their ids."""
    shop, campaign = f"{prefix}s-{uuid.uuid4().hex[:6]}", f"{prefix}c-{uuid.uuid4().hex[:6]}"
    made = await client.post(
        "/v1/shops",
        json={"id": shop, "name": "tea", "platform": "douyin", "time_zone": "Asia/Shanghai"},
    )
    assert made.status_code == 201, made.text
    made = await client.post(
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
    assert made.status_code == 201, made.text
    return shop, campaign


def impressions(shop: str, campaign: str, n: int, cost: str = "1.00") -> list[dict[str, Any]]:
    """``n`` paid impressions now, and no click or order."""
    now = datetime.now(UTC).isoformat()
    return [
        {
            "event_id": f"{campaign}-{k}",
            "ts": now,
            "kind": "impression",
            "shop_id": shop,
            "campaign_id": campaign,
            "creative_id": "cr-1",
            "viewer": {"viewer_id": f"v{k}"},
            "cost": cost,
        }
        for k in range(n)
    ]


def sales(
    shop: str, campaign: str, creative: str, orders: int, price: str = "200.00"
) -> tuple[list[Any], list[Any]]:
    """200 impressions and 100 clicks costing ¥1.50 each (¥150), and ``orders`` orders."""
    now = datetime.now(UTC).isoformat()
    ad = {"ts": now, "shop_id": shop, "campaign_id": campaign, "creative_id": creative}
    run = uuid.uuid4().hex[:6]
    clicks = [
        {
            **ad,
            "event_id": f"{run}-{kind}-{n}",
            "kind": kind,
            "viewer": {"viewer_id": f"v{n}"},
            "cost": "1.50" if kind == "click" else "0",
        }
        for kind, count in (("impression", 200), ("click", 100))
        for n in range(count)
    ]
    sold = [
        {
            **ad,
            "event_id": f"{run}-order-{n}",
            "order_id": f"{run}-o{n}",
            "user_id": f"u{n}",
            "ip": f"198.51.100.{n + 1}",
            "sku": f"{shop}-tea",
            "quantity": 1,
            "unit_price": price,
            "amount": price,
            "channel": "video",
        }
        for n in range(orders)
    ]
    return clicks, sold
