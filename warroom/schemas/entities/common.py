"""What every entity model shares: ids, platforms, statuses, stamps, the list envelope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import JsonDict

#: Platform ids ("8812", "shop-1", "SKU-101"): 1-64 characters that are safe in a URL path.
EntityId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][\w.:-]*$"
    ),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Platform = Literal["kuaishou", "douyin"]
Status = Literal["active", "paused", "ended"]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A stored time, always with its zone (SQLite hands back naive UTC times).
UtcTime = Annotated[datetime, AfterValidator(_utc)]

T = TypeVar("T")

STAMPS_EXAMPLE: JsonDict = {
    "version": 1,
    "created_at": "2026-11-22T10:00:00Z",
    "updated_at": "2026-11-22T10:00:00Z",
}


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class Patch(Strict):
    """A PATCH body: the fields to change, and the ``version`` they were read at."""

    version: int = Field(
        ge=1,
        description="the version the change is based on (from the last read); "
        "if the entity has changed since, the PATCH is refused with 409",
    )


class Stamped(BaseModel):
    """What the store adds to every entity."""

    model_config = ConfigDict(from_attributes=True)

    version: int = Field(description="bumped by every change; send it back with a PATCH")
    created_at: UtcTime
    updated_at: UtcTime


class Page(BaseModel, Generic[T]):
    """One page of a list, and how many entities match the filters in all."""

    data: list[T]
    count: int = Field(description="entities matching the filters, over all pages")
