"""API models of API keys: the secret appears once, in the answer to its creation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from warroom.schemas.entities.common import UtcTime

Role = Literal["admin", "buyer", "risk", "ingest", "viewer"]


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "shop-1 buyer team", "role": "buyer", "shops": ["shop-1"]}]
        },
    )

    name: str = Field(min_length=1, max_length=100)
    role: Role
    shops: list[str] | None = Field(None, max_length=1000, description="None: every shop")


class KeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: str
    shops: list[str] | None
    created_at: UtcTime
    created_by: str
    revoked_at: UtcTime | None


class KeyCreated(BaseModel):
    key: KeyPublic
    token: str = Field(description="wk_<id>.<secret>: shown this once, stored only as a hash")
