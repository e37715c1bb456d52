"""API models of the rulebook: rules with their draft, published versions, publish/rollback."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.json_schema import JsonDict

from warroom.schemas.entities.common import UtcTime

RuleId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[a-z][a-z0-9_.-]*$"
    ),
]

RISK_EXAMPLE: JsonDict = {
    "mode": "shadow",
    "params": {"max_orders": 8, "window_s": 60, "score": 60},
}
BUDGET_EXAMPLE: JsonDict = {
    "mode": "shadow",
    "condition": "spend_30m >= 2 * target_cpa and orders_30m == 0",
    "action": {"type": "pause"},
    "guardrails": {"min_spend": 100, "cooldown_s": 1800, "max_actions_per_day": 3},
}


class RuleCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "budget.stop_burners",
                    "kind": "condition",
                    "shop_id": "shop-1",
                    "title": "快关停: spend 2× target CPA, no orders in 30 min",
                    "draft": BUDGET_EXAMPLE,
                },
                {"id": "risk.same_ip_burst_strict", "kind": "same_ip_burst", "draft": RISK_EXAMPLE},
            ]
        },
    )

    id: RuleId
    kind: str = Field(description="a risk kind (same_ip_burst, price_deviation, ...) or condition")
    title: str = Field("", max_length=200)
    shop_id: str | None = Field(None, max_length=64, description="None: every shop")
    scope: Literal["campaign", "creative"] | None = Field(None, description="budget rules only")
    draft: dict[str, Any] = Field(description="mode and params, or condition/action/guardrails")


class RuleUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"revision": 3, "draft": RISK_EXAMPLE}]}
    )

    revision: int = Field(ge=1, description="the revision the change is based on; stale: 409")
    title: str | None = Field(None, max_length=200)
    draft: dict[str, Any] | None = None


class PublishRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"revision": 4, "note": "raise the burst limit for the 11.11 flash sale"}]
        },
    )

    revision: int | None = Field(None, ge=1, description="publish only if still at this revision")
    note: str = Field("", max_length=2000)


class RollbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"version": 2, "note": "v3 held too many good orders"}]},
    )

    version: int = Field(ge=1, description="the published version to make live again")
    note: str = Field("", max_length=2000)


class RulePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    family: str
    scope: str
    title: str
    shop_id: str | None
    draft: dict[str, Any]
    live_version: int | None
    candidate_version: int | None = None
    revision: int
    created_at: UtcTime
    updated_at: UtcTime


class RuleVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rule_id: str
    version: int
    body: dict[str, Any]
    published_at: UtcTime
    published_by: str
    note: str
