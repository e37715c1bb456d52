"""What warroom emits: risk verdicts (and, from issue 4, budget decisions).

Every record explains itself: which rule, which version, what was observed
against which threshold, and an idempotency key that makes redelivery harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

NAMESPACE = "warroom.v1"


class RuleHitRecord(BaseModel):
    """One rule that fired, with its evidence."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    rule_version: int
    entity: str
    score: float
    observed: dict[str, Any]
    thresholds: dict[str, Any]
    explanation: str
    evidence: list[str] = []
    #: The rule version's mode: a shadow hit is reported but adds nothing to an enforced score.
    mode: Literal["enforce", "shadow"] = "enforce"


class Verdict(BaseModel):
    """The risk engine's judgement of one order."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["verdict"] = "verdict"
    key: str
    order_id: str
    shop_id: str
    outcome: Literal["approve", "review", "hold", "decline"]
    score: float
    mode: Literal["enforce", "shadow"]
    hits: list[RuleHitRecord]
    entities: list[str]
    event_ts: datetime
    decided_at: datetime

    def line(self) -> str:
        """One readable line for a terminal."""
        reasons = "; ".join(f"{h.rule_id} v{h.rule_version}: {h.explanation}" for h in self.hits)
        head = f"{self.outcome.upper():7} order {self.order_id} shop {self.shop_id}"
        return f"{head} score {self.score:.0f} | {reasons}"


class DeadLetter(BaseModel):
    """An event that could not be accepted, where it came from, and why."""

    model_config = ConfigDict(frozen=True)

    source_topic: str
    partition: int
    offset: int
    index: int | None
    field: str | None
    reason: str
    raw: str
    received_at: datetime
