"""Creators (达人): who presents the products, and who their fans are."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonDict

from warroom.schemas.entities.common import (
    STAMPS_EXAMPLE,
    EntityId,
    Label,
    Patch,
    Platform,
    Stamped,
    Strict,
)

#: Distributions are shares that sum to 1 within this tolerance.
SUM_TOLERANCE = 0.01

Share = Annotated[float, Field(ge=0, le=1)]
AgeBand = Literal["<18", "18-23", "24-30", "31-40", "41-50", "50+", "unknown"]
Level = Literal["1", "2", "3", "4", "5"]


def _sums_to_one(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1) > SUM_TOLERANCE:
        raise ValueError(f"shares sum to {total:.4g}; they must sum to 1 (± {SUM_TOLERANCE})")
    return shares


K = TypeVar("K", bound=str)
#: Shares per key that sum to 1.
Distribution = Annotated[dict[K, Share], AfterValidator(_sums_to_one)]


PROFILE_EXAMPLE: JsonDict = {
    "gender": {"f": 0.62, "m": 0.36, "u": 0.02},
    "age_band": {"18-23": 0.18, "24-30": 0.34, "31-40": 0.31, "41-50": 0.17},
    "spending_power": {"2": 0.2, "3": 0.45, "4": 0.25, "5": 0.1},
    "category": {"tea": 0.55, "snacks": 0.25, "kitchen": 0.2},
}


class FanProfile(BaseModel):
    """Who a creator's fans are; each part is a distribution summing to 1 (± 0.01)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PROFILE_EXAMPLE]})

    gender: Distribution[Literal["f", "m", "u"]]
    age_band: Distribution[AgeBand]
    spending_power: Distribution[Level] = Field(description="by level, 1 low .. 5 high")
    category: Distribution[Label] = Field(max_length=200, description="category preference")


EXAMPLE: JsonDict = {
    "id": "cr-77",
    "handle": "tea_master_li",
    "platform": "douyin",
    "fan_count": 1_250_000,
    "fan_profile": PROFILE_EXAMPLE,
    "home_city": "Hangzhou",
}


class CreatorBase(Strict):
    id: EntityId = Field(description="the platform's creator id")
    handle: Label
    platform: Platform = Field(description="fixed once created")
    fan_count: int = Field(0, ge=0, le=10_000_000_000)
    fan_profile: FanProfile | None = None
    home_city: Label | None = None


class CreatorCreate(CreatorBase):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class CreatorUpdate(Patch):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 2, "fan_count": 1_300_000}]}
    )

    handle: Label | None = None
    fan_count: int | None = Field(None, ge=0, le=10_000_000_000)
    fan_profile: FanProfile | None = None
    home_city: Label | None = None


class CreatorPublic(Stamped, CreatorBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{**EXAMPLE, **STAMPS_EXAMPLE}]})
