"""Events the page tests send: order bursts from one IP, shops and campaigns, ad traffic,
and the playbook's stock levels, searches, messages and follows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
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


def at(ago_s: float = 0) -> str:
    """An event time ``ago_s`` seconds before now (ISO, UTC)."""
    return (datetime.now(UTC) - timedelta(seconds=ago_s)).isoformat()


def stock_level(shop: str, sku: str, available: int, ago_s: float = 0) -> dict[str, Any]:
    return {"event_id": f"l-{uuid.uuid4().hex[:10]}", "ts": at(ago_s), "shop_id": shop,
            "sku": sku, "available": available}  # fmt: skip


def orders_of(
    shop: str, sku: str, buyers: list[str], ago_s: float = 0, **fields: str
) -> list[dict[str, Any]]:
    """One order of ``sku`` per buyer (each from an IP of its own), ¥100 each; ``fields``
    adds campaign_id, creative_id, creator_id, channel..."""
    run = uuid.uuid4().hex[:8]
    return [
        {
            "event_id": f"{run}-{n}", "ts": at(ago_s), "order_id": f"o-{run}-{n}",
            "user_id": buyer, "ip": fresh_ip(), "shop_id": shop, "sku": sku, "quantity": 1,
            "unit_price": "100", "amount": "100", **fields,
        }
        for n, buyer in enumerate(buyers)
    ]  # fmt: skip


def searches_of(shop: str, product: str, n: int, ago_s: float = 0) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:8]
    return [
        {"event_id": f"q-{run}-{k}", "ts": at(ago_s), "shop_id": shop, "product_id": product}
        for k in range(n)
    ]


def ad_events(
    kind: str, ad: dict[str, str], viewers: list[str], ago_s: float = 0, **fields: Any
) -> list[dict[str, Any]]:
    """One ad interaction of ``kind`` per viewer; ``ad``: shop_id, campaign_id,
    creative_id (and product_id); ``fields``: cost, watch_time_s, viewer profile..."""
    run = uuid.uuid4().hex[:8]
    profile = fields.pop("viewer", {})
    return [
        {"event_id": f"{kind[0]}-{run}-{k}", "ts": at(ago_s), "kind": kind, **ad,
         "viewer": {"viewer_id": viewer, **profile}, **fields}
        for k, viewer in enumerate(viewers)
    ]  # fmt: skip


def messages_of(ad: dict[str, str], viewers: list[str]) -> list[dict[str, Any]]:
    run, shop = uuid.uuid4().hex[:8], ad["shop_id"]
    return [
        {"event_id": f"m-{run}-{k}", "ts": at(), "shop_id": shop, "viewer_id": viewer,
         "campaign_id": ad["campaign_id"], "creative_id": ad["creative_id"]}
        for k, viewer in enumerate(viewers)
    ]  # fmt: skip


def follows_of(shop: str, users: list[str], creator: str | None = None) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:8]
    return [
        {"event_id": f"f-{run}-{k}", "ts": at(), "shop_id": shop, "user_id": user,
         "creator_id": creator}
        for k, user in enumerate(users)
    ]  # fmt: skip
