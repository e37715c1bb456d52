"""Events the page tests send: order bursts from one IP, shops and campaigns, ad traffic."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx


def fresh_ip() -> str:
    """A private IP no other test has used (random)."""
    tail = uuid.uuid4().int
    return f"10.{tail % 250 + 1}.{tail // 250 % 250 + 1}.{tail // 62500 % 250 + 1}"


def burst(api: httpx.Client, ip: str, n: int = 6, shop: str = "shop-w") -> list[str]:
    """``n`` orders from ``ip`` within a second (more than 5 in 60 s: a same-IP burst);
    their order ids, in order."""
    run, now = uuid.uuid4().hex[:8], datetime.now(UTC).isoformat()
    orders = [
        {
            "event_id": f"{run}-{k}",
            "ts": now,
            "order_id": f"o-{run}-{k}",
            "user_id": f"u-{run}-{k}",
            "ip": ip,
            "shop_id": shop,
            "sku": "SKU-W",
            "quantity": 1,
            "unit_price": "59.90",
            "amount": "59.90",
            "campaign_id": "cw-1",
        }
        for k in range(n)
    ]
    sent = api.post("/v1/events/orders", json=orders)
    assert sent.status_code == 202 and sent.json()["accepted"] == n, sent.text
    return [o["order_id"] for o in orders]


def shop_and_campaign(api: httpx.Client, prefix: str) -> tuple[str, str]:
    """A fresh shop and an active campaign in it: budget ¥100, cap ¥500, target CPA ¥10."""
    shop, campaign = f"{prefix}s-{uuid.uuid4().hex[:6]}", f"{prefix}c-{uuid.uuid4().hex[:6]}"
    body = {"id": shop, "name": "tea", "platform": "douyin", "time_zone": "Asia/Shanghai"}
    assert (made := api.post("/v1/shops", json=body)).status_code == 201, made.text
    body = {
        "id": campaign,
        "shop_id": shop,
        "platform": "douyin",
        "objective": "orders",
        "daily_budget": "100",
        "bid": "1",
        "budget_cap": "500",
        "target_cpa": "10",
        "target_roi": "2",
    }
    assert (made := api.post("/v1/campaigns", json=body)).status_code == 201, made.text
    return shop, campaign


def ad_traffic(
    shop: str, campaign: str, clicks: int, orders: int, cost: str = "1.00", price: str = "200.00"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``clicks`` paid clicks (each after an impression) and ``orders`` orders, now."""
    run, now = uuid.uuid4().hex[:6], datetime.now(UTC).isoformat()
    ad = {"ts": now, "shop_id": shop, "campaign_id": campaign, "creative_id": f"{campaign}-v"}
    events = [
        {
            **ad,
            "event_id": f"{run}-{kind}-{n}",
            "kind": kind,
            "viewer": {"viewer_id": f"v{n}"},
            "cost": cost if kind == "click" else "0",
        }
        for n in range(clicks)
        for kind in ("impression", "click")
    ]
    sold = [
        {
            **ad,
            "event_id": f"{run}-order-{n}",
            "order_id": f"{run}-o{n}",
            "user_id": f"u{n}",
            "ip": fresh_ip(),
            "sku": f"{shop}-tea",
            "quantity": 1,
            "unit_price": price,
            "amount": price,
            "channel": "video",
        }
        for n in range(orders)
    ]
    return events, sold


def send(api: httpx.Client, kind: str, events: list[dict[str, Any]]) -> None:
    if events:
        sent = api.post(f"/v1/events/{kind}", json=events)
        assert sent.status_code == 202 and not sent.json()["rejected"], sent.text
