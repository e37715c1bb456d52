"""Request bodies of valid commerce entities, and shortcuts to create them over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def shop(**over: Any) -> dict[str, Any]:
    return {"id": uid("shop"), "name": "Hangzhou Tea House", "platform": "douyin", **over}


def product(shop_id: str, **over: Any) -> dict[str, Any]:
    return {
        "id": uid("sku"),
        "shop_id": shop_id,
        "title": "Longjing tea, 250 g",
        "category": "tea",
        "list_price": "59.90",
        "cost_price": "21.50",
        "stock": 100,
        **over,
    }


def creator(**over: Any) -> dict[str, Any]:
    return {"id": uid("cr"), "handle": "tea_master_li", "platform": "douyin", **over}


def campaign(shop_id: str, **over: Any) -> dict[str, Any]:
    return {
        "id": uid("cmp"),
        "shop_id": shop_id,
        "platform": "douyin",
        "objective": "orders",
        "daily_budget": "3000",
        "bid": "1.20",
        "target_cpa": "35",
        "budget_cap": "10000",
        **over,
    }


def creative(campaign_id: str, product_id: str, **over: Any) -> dict[str, Any]:
    return {
        "id": uid("crv"),
        "campaign_id": campaign_id,
        "product_id": product_id,
        "title": "Brewing Longjing in 30 seconds",
        "video_length_s": 32,
        **over,
    }


def make(client: TestClient, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to ``/v1/<resource>``; the created entity (fails unless 201)."""
    resp = client.post(f"/v1/{resource}", json=body)
    assert resp.status_code == 201, resp.text
    created: dict[str, Any] = resp.json()
    return created


def field_errors(resp: Any) -> dict[tuple[str | int, ...], str]:
    """FastAPI's 422 answer as {location path: message}."""
    assert resp.status_code == 422, resp.text
    return {tuple(e["loc"]): e["msg"] for e in resp.json()["detail"]}
