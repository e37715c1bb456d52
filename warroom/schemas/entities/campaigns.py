"""Campaigns (plans): budget, bid, targets and the cap the budget engine never exceeds."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic.json_schema import JsonDict

from warroom.schemas.entities.common import (
    STAMPS_EXAMPLE,
    EntityId,
    Patch,
    Platform,
    Stamped,
    Status,
    Strict,
)
from warroom.schemas.types import Money

Objective = Literal["orders", "gmv", "roi", "traffic", "followers"]
Ratio = Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=4, allow_inf_nan=False)]

EXAMPLE: JsonDict = {
    "id": "8812",
    "shop_id": "shop-1",
    "platform": "douyin",
    "objective": "orders",
    "daily_budget": "3000.00",
    "bid": "1.20",
    "target_cpa": "35.00",
    "target_roi": "2.5",
    "budget_cap": "10000.00",
    "status": "active",
    "origin_campaign_id": None,
}


class CampaignBase(Strict):
    id: EntityId = Field(description="the platform's plan id")
    shop_id: EntityId = Field(description="fixed once created")
    platform: Platform = Field(description="the shop's platform; fixed once created")
    objective: Objective
    daily_budget: Money
    bid: Money
    target_cpa: Money | None = Field(None, description="cost per order aimed at")
    target_roi: Ratio | None = Field(None, description="GMV / spend aimed at")
    budget_cap: Money = Field(description="the daily budget never grows above this")
    status: Status = "active"
    origin_campaign_id: EntityId | None = Field(
        None, description="the campaign this one was copied from (fast-copy); fixed"
    )

    @field_validator("budget_cap")
    @classmethod
    def _cap_covers_budget(cls, cap: Decimal, info: ValidationInfo) -> Decimal:
        budget = info.data.get("daily_budget")
        if budget is not None and cap < budget:
            raise ValueError(f"budget cap {cap} is below the daily budget {budget}")
        return cap


class CampaignCreate(CampaignBase):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class CampaignUpdate(Patch):
    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 4, "status": "paused"}]})

    objective: Objective | None = None
    daily_budget: Money | None = None
    bid: Money | None = None
    target_cpa: Money | None = None
    target_roi: Ratio | None = None
    budget_cap: Money | None = None
    status: Status | None = None


class CampaignPublic(Stamped, CampaignBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{**EXAMPLE, **STAMPS_EXAMPLE}]})
