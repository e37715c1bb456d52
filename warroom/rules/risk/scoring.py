"""From rule hits to an outcome: scores add up, thresholds map the total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from warroom.rules.base import Hit, RuleParams

Outcome = Literal["approve", "review", "hold", "decline"]


class Thresholds(RuleParams):
    review: float = Field(30, ge=0, le=100, description="score from which an order is reviewed")
    hold: float = Field(60, ge=0, le=100, description="score from which an order is held")
    decline: float = Field(90, ge=0, le=100, description="score from which it is declined")

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not self.review <= self.hold <= self.decline:
            raise ValueError("thresholds must satisfy review <= hold <= decline")
        return self


def total_score(hits: Sequence[Hit]) -> float:
    """Scores add up, capped at 100."""
    return min(100.0, sum(hit.score for hit in hits))


def outcome(score: float, thresholds: Thresholds) -> Outcome:
    """The outcome a total score maps to.

    >>> outcome(65, Thresholds())
    'hold'
    """
    if score >= thresholds.decline:
        return "decline"
    if score >= thresholds.hold:
        return "hold"
    if score >= thresholds.review:
        return "review"
    return "approve"
