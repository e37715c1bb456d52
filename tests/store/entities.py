"""Valid commerce entities to build tests on, each with a fresh id unless one is given."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS, CREATIVES, CREATORS, PRODUCTS, SHOPS

ACTOR = "wk_tester"


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def shop(**over: Any) -> dict[str, Any]:
    return {
        "id": uid("shop"),
        "name": "Hangzhou Tea House",
        "platform": "douyin",
        "time_zone": "Asia/Shanghai",
        "currency": "CNY",
        **over,
    }


def product(shop_id: str, **over: Any) -> dict[str, Any]:
    return {
        "id": uid("sku"),
        "shop_id": shop_id,
        "title": "Longjing tea, 250 g",
        "category": "tea",
        "list_price": Decimal("59.90"),
        "cost_price": Decimal("21.50"),
        "stock": 100,
        **over,
    }


def creator(**over: Any) -> dict[str, Any]:
    return {
        "id": uid("cr"),
        "handle": "tea_master_li",
        "platform": "douyin",
        "fan_count": 1000,
        "fan_profile": None,
        "home_city": "Hangzhou",
        **over,
    }


def campaign(shop_id: str, **over: Any) -> dict[str, Any]:
    return {
        "id": uid("cmp"),
        "shop_id": shop_id,
        "platform": "douyin",
        "objective": "orders",
        "daily_budget": Decimal("3000"),
        "bid": Decimal("1.2"),
        "target_cpa": Decimal("35"),
        "target_roi": Decimal("2.5"),
        "budget_cap": Decimal("10000"),
        "status": "active",
        "origin_campaign_id": None,
        **over,
    }


def creative(campaign_id: str, product_id: str, **over: Any) -> dict[str, Any]:
    return {
        "id": uid("crv"),
        "campaign_id": campaign_id,
        "product_id": product_id,
        "creator_id": None,
        "title": "Brewing Longjing in 30 seconds",
        "video_length_s": 32,
        "status": "active",
        **over,
    }


@dataclass(frozen=True)
class World:
    shop: str
    product: str
    creator: str
    campaign: str
    creative: str


def seed(session: Session) -> World:
    """A shop with a product, a campaign, and a creative by a creator."""
    s = crud.create(session, SHOPS, shop(), ACTOR).id
    p = crud.create(session, PRODUCTS, product(s), ACTOR).id
    c = crud.create(session, CREATORS, creator(), ACTOR).id
    m = crud.create(session, CAMPAIGNS, campaign(s), ACTOR).id
    v = crud.create(session, CREATIVES, creative(m, p, creator_id=c), ACTOR).id
    return World(s, p, c, m, v)
