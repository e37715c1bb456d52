"""API models of the allow-list: entries and snoozes that silence a risk rule for one entity."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from warroom.schemas.entities.common import UtcTime

AllowRuleId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(\*|[a-z][a-z0-9_.-]{2,63})$")
]
Entity = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=200, pattern=r"^[a-z_]+:.+$"),
]


class AllowCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rule_id": "risk.same_ip_burst",
                    "entity": "ip:203.0.113.45",
                    "reason": "office NAT of a corporate buyer",
                },
                {
                    "rule_id": "*",
                    "entity": "shop:shop-7",
                    "expires_at": "2024-11-12T00:00:00Z",
                    "reason": "11.11 flash sale: snooze every rule until midnight",
                },
            ]
        },
    )

    rule_id: AllowRuleId = Field(description="the risk rule silenced, or * for every rule")
    entity: Entity = Field(description='as rules name it: "ip:1.2.3.4", "user:u1", "shop:s1"')
    expires_at: UtcTime | None = Field(None, description="when the snooze ends; None: never")
    reason: str = Field("", max_length=500)

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= datetime.now(UTC):
            raise ValueError("expires_at must lie in the future")
        return value


class AllowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    rule_id: str
    entity: str
    expires_at: UtcTime | None
    reason: str
    created_by: str
    created_at: UtcTime
    active: bool
