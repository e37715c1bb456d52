"""A creative A/B test's live state (on the ab-tests-live topic; ``GET /v1/ab-tests``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class VariantState(BaseModel):
    model_config = ConfigDict(frozen=True)

    creative_id: str
    control: bool
    impressions: int
    clicks: int
    orders: int
    spend: float
    gmv: float
    value: float | None  # the metric's estimate
    p_value: float | None  # always valid, against the control (None: the control)


class AbTestState(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule_id: str
    rule_version: int
    mode: str
    shop_id: str | None
    metric: str
    alpha: float
    started_at: float
    status: str  # running | decided
    winner: str | None
    confidence: float | None
    losers: list[str]
    variants: list[VariantState]
    updated_at: float
