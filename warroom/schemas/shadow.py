"""Shadow comparisons: a rule's live version and its candidate judged on the same event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from warroom.schemas.entities.common import UtcTime


class ShadowComparison(BaseModel):
    """One event on which the live version, the candidate, or both fired (topic ``shadow``)."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    order_id: str
    shop_id: str
    live_version: int
    candidate_version: int
    live_hit: bool
    candidate_hit: bool
    live_observed: dict[str, Any] | None = None
    candidate_observed: dict[str, Any] | None = None
    event_ts: datetime
    at: datetime


class Disagreement(BaseModel):
    """An order only one of the two versions fired on, with what that one observed."""

    order_id: str
    live_hit: bool
    candidate_hit: bool
    observed: dict[str, Any]
    at: UtcTime


class ShadowReport(BaseModel):
    """How a rule's candidate compares with its live version, in this API process."""

    rule_id: str
    live_version: int | None
    candidate_version: int | None
    since: UtcTime
    events_judged_by_either: int = Field(description="events on which either version fired")
    live_hits: int
    candidate_hits: int
    both: int
    only_live: int
    only_candidate: int
    disagreements: list[Disagreement] = Field(description="the latest first, at most 500")
