"""The review queue as people and other systems see it: the queued order, the decision a
reviewer sends, and the label that decision becomes (``labels`` topic, live feed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from warroom.schemas.entities.common import Strict, UtcTime

Status = Literal["open", "released", "confirmed_fraud"]
Action = Literal["release", "confirm_fraud"]
#: What each action makes of the order: its status, and its label for models and metrics.
STATUS_OF: dict[str, Status] = {"release": "released", "confirm_fraud": "confirmed_fraud"}
LABEL_OF: dict[str, Literal["legit", "fraud"]] = {"release": "legit", "confirm_fraud": "fraud"}


class ReviewDecision(Strict):
    """What a reviewer decides about a queued order."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"action": "confirm_fraud", "note": "six orders, one IP, new accounts"}]
        },
    )

    action: Action
    note: str = Field("", max_length=1000)


class ReviewPublic(BaseModel):
    """A queued order: why it was held, and what became of it."""

    model_config = ConfigDict(from_attributes=True)

    order_id: str
    shop_id: str
    outcome: Literal["review", "hold"] = Field(description="the highest outcome of its verdicts")
    score: float
    rules: list[str] = Field(description="every rule that fired on the order")
    status: Status
    queued_at: UtcTime = Field(description="when the risk engine first held or flagged it")
    decided_by: str | None
    decided_at: UtcTime | None
    note: str | None
    verdict: dict[str, Any] = Field(description="the verdict that set the outcome, with its hits")


class ReviewLabel(BaseModel):
    """A reviewer's decision on an order, as a label (``labels`` topic) and a feed item."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["review"] = "review"
    key: str
    order_id: str
    shop_id: str
    action: Action
    label: Literal["legit", "fraud"]
    outcome: str
    score: float
    rules: list[str]
    verdict_key: str
    decided_by: str
    decided_at: datetime
    note: str
    entities: list[str]

    def line(self) -> str:
        """One readable line for a terminal."""
        head = f"REVIEW  order {self.order_id} shop {self.shop_id}"
        return f"{head} {self.label} by {self.decided_by} | {', '.join(self.rules)} {self.note}"
