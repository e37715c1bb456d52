"""A budget rule's body: condition, action (三快) and guardrails, all validated on save.

>>> BudgetBody.model_validate({"condition": "spend_30m >= 2 * target_cpa and orders_30m == 0",
...                            "action": {"type": "pause"}}).guardrails.cooldown_s
1800
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from warroom.rules.budget.vocabulary import NAMES


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pause(_Frozen):
    """快关停 fast-stop: pause the campaign or creative."""

    type: Literal["pause"]


class Scale(_Frozen):
    """快放量 fast-scale: multiply the daily budget, never above the campaign's cap."""

    type: Literal["scale"]
    factor: float = Field(1.2, gt=1, le=3, description="budget multiplier per action")


class Copy(_Frozen):
    """快复制 fast-copy: clone the winning creative into a new campaign."""

    type: Literal["copy"]
    initial_budget: Decimal = Field(gt=0, le=10_000_000, decimal_places=2)


Action = Annotated[Pause | Scale | Copy, Field(discriminator="type")]


class Guardrails(_Frozen):
    min_spend: float = Field(0, ge=0, le=1e7, description="CNY spent before acting")
    min_impressions: int = Field(0, ge=0, le=10**9)
    min_clicks: int = Field(0, ge=0, le=10**9)
    cooldown_s: int = Field(1800, ge=0, le=7 * 86400, description="between actions on one entity")
    max_actions_per_day: int = Field(3, ge=1, le=100)
    learning_minutes: int = Field(30, ge=0, le=1440, description="no action this early")
    learning_conversions: int = Field(0, ge=0, le=1000, description="no action before these")
    match_score_guard: float | None = Field(
        75, ge=0, le=100, description="no fast-stop on ROI alone at or above this match score"
    )
    sustain_minutes: int = Field(
        0,
        ge=0,
        le=120,
        description="the condition must also have held at each of the last N minute ends "
        "(evaluated every minute, a window dips by chance: this keeps a blip from acting)",
    )


class BudgetBody(_Frozen):
    mode: Literal["off", "shadow", "enforce"] = "shadow"
    condition: str = Field(min_length=1, max_length=2000)
    action: Action
    guardrails: Guardrails = Guardrails()

    @field_validator("condition")
    @classmethod
    def _parses(cls, source: str) -> str:
        from warroom.rules.condition import ConditionError, compile_condition

        try:
            compile_condition(source, NAMES)
        except ConditionError as exc:
            raise ValueError(f"at position {exc.position}: {exc.message}") from None
        return source
