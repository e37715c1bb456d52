"""What the budget engine knows of a campaign or creative: the store's fields, as the
control topic last described them (the worker's entity cache), the conversions counted,
and the live 人货匹配度 (the match learners' scores, read from the models topic)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from warroom.rules.budget.engine import EntityState
from warroom.schemas.internal import CampaignMinute
from warroom.streams.entities import entities
from warroom.streams.model_view import model_view


def utc(iso: str) -> datetime:
    """A stored time (SQLite hands back times without their zone, which is UTC)."""
    at = datetime.fromisoformat(iso)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def shop_zone(shop_id: str) -> str:
    """The shop's time zone (Asia/Shanghai while the cache does not know the shop)."""
    shop: dict[str, Any] = entities.get("shop", shop_id) or {}
    return shop.get("time_zone") or "Asia/Shanghai"


def _campaign_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A campaign's budget, cap, targets and bid, and its shop's time zone."""
    names = ("daily_budget", "budget_cap", "target_cpa", "target_roi", "bid")
    return {**{name: data.get(name) for name in names}, "time_zone": shop_zone(data["shop_id"])}


def campaign_state(campaign_id: str, minutes: list[CampaignMinute]) -> EntityState | None:
    """The campaign, or None while the cache does not know it."""
    data = entities.get("campaign", campaign_id)
    if data is None:
        return None
    return EntityState(
        kind="campaign",
        id=campaign_id,
        shop_id=data["shop_id"],
        status=data["status"],
        created_at=utc(data["created_at"]).timestamp(),
        conversions=sum(m.orders for m in minutes),
        match_score=model_view.match_score("campaign", campaign_id),
        **_campaign_fields(data),
    )


def creative_state(creative_id: str, minutes: list[CampaignMinute]) -> EntityState | None:
    """The creative with its campaign's budget, cap and targets; not active while its
    campaign is not. None while the cache does not know the creative or its campaign."""
    data = entities.get("creative", creative_id)
    campaign = None if data is None else entities.get("campaign", data["campaign_id"])
    if data is None or campaign is None:
        return None
    status = data["status"] if campaign["status"] == "active" else campaign["status"]
    return EntityState(
        kind="creative",
        id=creative_id,
        shop_id=data["shop_id"],
        campaign_id=data["campaign_id"],
        status=status,
        created_at=utc(data["created_at"]).timestamp(),
        conversions=sum(m.orders for m in minutes),
        match_score=model_view.match_score("creative", creative_id),
        **_campaign_fields(campaign),
    )
