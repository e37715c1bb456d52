"""Every kind of rule warroom knows: its family, scope and the model its body must fit.

A rule's body is what gets published: its mode and its parameters (risk rules) or
its condition, action and guardrails (budget rules). Bodies are validated here,
when a draft is saved and again when it is published, never first on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from warroom.errors import InvalidEntity
from warroom.rules.base import RuleParams
from warroom.rules.budget.body import BudgetBody
from warroom.rules.risk import same_ip_burst
from warroom.rules.risk.scoring import Thresholds

Mode = Literal["off", "shadow", "enforce"]


class RiskBody(BaseModel):
    """A risk rule's published body: mode and typed, bounded parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = "shadow"
    params: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class RuleKind:
    family: Literal["risk", "budget"]
    scope: str
    params: type[RuleParams] | None  # risk kinds: their parameter model
    title: str

    def validate(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body in canonical form (defaults filled in); raises pydantic's ValidationError."""
        if self.params is None:
            return BudgetBody.model_validate(body).model_dump(mode="json")
        risk = RiskBody.model_validate(body)
        params = self.params.model_validate(risk.params)
        return {"mode": risk.mode, "params": params.model_dump(mode="json")}

    def parse(self, body: dict[str, Any]) -> tuple[Mode, RuleParams | BudgetBody]:
        """Mode and typed parameters of a validated body (what the workers apply)."""
        if self.params is None:
            budget = BudgetBody.model_validate(body)
            return budget.mode, budget
        risk = RiskBody.model_validate(body)
        return risk.mode, self.params.model_validate(risk.params)


KINDS: dict[str, RuleKind] = {
    "same_ip_burst": RuleKind(
        "risk", "order", same_ip_burst.Params, "More than N orders from one IP within any W seconds"
    ),
    "thresholds": RuleKind(
        "risk", "order", Thresholds, "Risk score thresholds: review, hold, decline"
    ),
    "condition": RuleKind(
        "budget", "campaign", None, "Budget rule: a condition over live metrics and an action"
    ),
}

#: Built-in risk rules: (rule id, kind); created with default parameters, enforced.
BUILTIN = (("risk.same_ip_burst", "same_ip_burst"), ("risk.thresholds", "thresholds"))


def rule_kind(kind: str) -> RuleKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidEntity(
            f"unknown rule kind {kind!r}; one of {', '.join(KINDS)}", "kind"
        ) from None
