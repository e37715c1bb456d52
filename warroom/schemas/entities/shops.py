"""Shops: a store on a platform, with the time zone its night-time rules use."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints
from pydantic.json_schema import JsonDict

from warroom.schemas.entities.common import (
    STAMPS_EXAMPLE,
    EntityId,
    Name,
    Patch,
    Platform,
    Stamped,
    Strict,
)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Shanghai)") from None
    return value


TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_zone)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]

EXAMPLE: JsonDict = {
    "id": "shop-1",
    "name": "Hangzhou Tea House",
    "platform": "douyin",
    "time_zone": "Asia/Shanghai",
    "currency": "CNY",
}


class ShopBase(Strict):
    id: EntityId = Field(description="the platform's shop id")
    name: Name
    platform: Platform = Field(description="fixed once created")
    time_zone: TimeZone = Field("Asia/Shanghai", description="IANA time zone of the shop")
    currency: Currency = Field("CNY", description="ISO 4217 code")


class ShopCreate(ShopBase):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class ShopUpdate(Patch):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 1, "name": "Hangzhou Tea House (flagship)"}]}
    )

    name: Name | None = None
    time_zone: TimeZone | None = None
    currency: Currency | None = None


class ShopPublic(Stamped, ShopBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{**EXAMPLE, **STAMPS_EXAMPLE}]})
