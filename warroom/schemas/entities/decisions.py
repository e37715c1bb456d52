"""Budget decisions as the API shows them: the decision with its latest result, when it
was settled, and the revert that undid it."""

from __future__ import annotations

from typing import Any

from warroom.schemas.budget import BudgetDecision
from warroom.schemas.entities.common import UtcTime


class DecisionPublic(BudgetDecision):
    settled_at: UtcTime | None = None
    reverted_by: str | None = None  # the key of the revert that undid it

    @classmethod
    def of(cls, row: Any) -> DecisionPublic:
        """From a decision log row."""
        return cls.model_validate(
            {**row.record, "settled_at": row.settled_at, "reverted_by": row.reverted_by}
        )
