"""The commerce entity kinds for the generic CRUD, and the rules that tie them together:
a campaign runs on its shop's platform, a clone stays in its origin's shop, and a
creative belongs to its campaign's shop and promotes a product of that shop."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from warroom.errors import InvalidEntity
from warroom.store.kinds import Kind
from warroom.store.models import Campaign, Creative, Creator, Product, Shop

STAMPS = ("created_at", "updated_at")


def _campaign_rules(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    shop = session.get(Shop, values["shop_id"])
    if shop is not None and values["platform"] != shop.platform:
        raise InvalidEntity(
            f"platform {values['platform']!r} differs from shop {shop.id!r}'s ({shop.platform!r})",
            "platform",
        )
    origin_id = values.get("origin_campaign_id")
    origin = session.get(Campaign, origin_id) if origin_id else None
    if origin is not None and origin.shop_id != values["shop_id"]:
        raise InvalidEntity(
            f"campaign {origin.id!r} belongs to shop {origin.shop_id!r}, not {values['shop_id']!r}",
            "origin_campaign_id",
        )
    return {}


def _creative_rules(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """A creative's shop is its campaign's; its product must be sold by that shop."""
    campaign = session.get(Campaign, values["campaign_id"])
    product = session.get(Product, values["product_id"])
    if campaign is None or product is None:
        return {}
    if product.shop_id != campaign.shop_id:
        raise InvalidEntity(
            f"product {product.id!r} belongs to shop {product.shop_id!r}, "
            f"but campaign {campaign.id!r} to shop {campaign.shop_id!r}",
            "product_id",
        )
    return {"shop_id": campaign.shop_id}


SHOPS = Kind(
    "shop",
    Shop,
    shop_column="id",
    sortable=("id", "name", "platform", *STAMPS),
    children=(
        ("products", Product.shop_id),
        ("campaigns", Campaign.shop_id),
        ("creatives", Creative.shop_id),
    ),
)
PRODUCTS = Kind(
    "product",
    Product,
    shop_column="shop_id",
    sortable=("id", "title", "category", "list_price", "cost_price", "stock", *STAMPS),
    parents={"shop_id": ("shop", Shop)},
    children=(("creatives", Creative.product_id),),
)
CREATORS = Kind(
    "creator",
    Creator,
    shop_column=None,
    sortable=("id", "handle", "platform", "fan_count", "home_city", *STAMPS),
    children=(("creatives", Creative.creator_id),),
)
CAMPAIGNS = Kind(
    "campaign",
    Campaign,
    shop_column="shop_id",
    sortable=(
        "id",
        "status",
        "objective",
        "daily_budget",
        "bid",
        "target_cpa",
        "target_roi",
        "budget_cap",
        *STAMPS,
    ),
    parents={"shop_id": ("shop", Shop), "origin_campaign_id": ("campaign", Campaign)},
    children=(("creatives", Creative.campaign_id), ("copies", Campaign.origin_campaign_id)),
    derive=_campaign_rules,
)
CREATIVES = Kind(
    "creative",
    Creative,
    shop_column="shop_id",
    sortable=("id", "title", "status", "video_length_s", *STAMPS),
    parents={
        "campaign_id": ("campaign", Campaign),
        "product_id": ("product", Product),
        "creator_id": ("creator", Creator),
    },
    derive=_creative_rules,
)
