"""Records on warroom's internal topics (validated already, compact)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Activity(BaseModel):
    """One thing that happened to a campaign: an ad interaction or an attributed order."""

    model_config = ConfigDict(frozen=True)

    campaign_id: str
    creative_id: str | None
    shop_id: str
    ts: float
    kind: Literal["impression", "play", "click", "order"]
    spend: int = 0
    gmv: int = 0


class CampaignMinute(BaseModel):
    """Counters of one campaign in one event-time minute (money in 0.0001 CNY)."""

    model_config = ConfigDict(frozen=True)

    minute: int
    impressions: int = 0
    plays: int = 0
    clicks: int = 0
    spend: int = 0
    orders: int = 0
    gmv: int = 0


class CampaignLive(BaseModel):
    """A snapshot of one campaign's last hour, minute by minute."""

    model_config = ConfigDict(frozen=True)

    campaign_id: str
    shop_id: str
    minutes: list[CampaignMinute]
    updated_at: float
