"""Creatives (素材): a video in a campaign, promoting a product, maybe by a creator."""

from __future__ import annotations

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from warroom.schemas.entities.common import (
    STAMPS_EXAMPLE,
    EntityId,
    Name,
    Patch,
    Stamped,
    Status,
    Strict,
)

VideoLength = Field(ge=1, le=86_400, description="seconds")

EXAMPLE: JsonDict = {
    "id": "cr-9001",
    "campaign_id": "8812",
    "product_id": "SKU-101",
    "creator_id": "cr-77",
    "title": "Brewing Longjing in 30 seconds",
    "video_length_s": 32,
    "status": "active",
}


class CreativeBase(Strict):
    id: EntityId = Field(description="the platform's creative id")
    campaign_id: EntityId = Field(description="fixed once created; sets the creative's shop")
    product_id: EntityId = Field(description="a product of the campaign's shop")
    creator_id: EntityId | None = Field(None, description="who presents it, if a creator")
    title: Name
    video_length_s: int = VideoLength
    status: Status = "active"


class CreativeCreate(CreativeBase):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class CreativeUpdate(Patch):
    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 2, "status": "paused"}]})

    product_id: EntityId | None = None
    creator_id: EntityId | None = None
    title: Name | None = None
    video_length_s: int | None = Field(None, ge=1, le=86_400)
    status: Status | None = None


class CreativePublic(Stamped, CreativeBase):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EXAMPLE, "shop_id": "shop-1", **STAMPS_EXAMPLE}]}
    )

    shop_id: str = Field(description="the campaign's shop")
