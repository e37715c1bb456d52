"""Every kind of rule warroom knows: its family, scope and the model its body must fit.

A rule's body is what gets published: its mode and its parameters (risk rules) or
its condition, action and guardrails (budget rules). Bodies are validated here,
when a draft is saved and again when it is published, never first on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from warroom.errors import InvalidEntity
from warroom.rules.base import RuleParams
from warroom.rules.budget.body import BudgetBody
from warroom.rules.risk import (
    duplicate_payment,
    payment_mismatch,
    same_ip_burst,
    unknown_order_payment,
)
from warroom.rules.risk.scoring import Thresholds

Mode = Literal["off", "shadow", "enforce"]


class RiskBody(BaseModel):
    """A risk rule's published body: mode and typed, bounded parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = "shadow"
    params: dict[str, Any] = Field(default_factory=dict)


M = TypeVar("M", bound=BaseModel)


def checked(model: type[M], data: Any, path: str) -> M:
    """``data`` validated as ``model``, or InvalidEntity naming ``path`` and the field in it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in (path, *error["loc"]))
        raise InvalidEntity(error["msg"], field) from None


@dataclass(frozen=True)
class RuleKind:
    family: Literal["risk", "budget"]
    scope: str
    params: type[RuleParams] | None  # risk kinds: their parameter model
    title: str

    def validate(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body (a rule's draft) in canonical form, defaults filled in; InvalidEntity
        names the field path of the first problem, e.g. ``draft.params.max_orders``."""
        if self.params is None:
            return checked(BudgetBody, body, "draft").model_dump(mode="json")
        risk = checked(RiskBody, body, "draft")
        params = checked(self.params, risk.params, "draft.params")
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
    "payment_mismatch": RuleKind(
        "risk", "payment", payment_mismatch.Params, "Paid amount differs from the order amount"
    ),
    "unknown_order_payment": RuleKind(
        "risk",
        "payment",
        unknown_order_payment.Params,
        "Payment for an order still unseen after a grace period",
    ),
    "duplicate_payment": RuleKind(
        "risk", "payment", duplicate_payment.Params, "A payment id seen again in another event"
    ),
    "thresholds": RuleKind(
        "risk", "order", Thresholds, "Risk score thresholds: review, hold, decline"
    ),
    "condition": RuleKind(
        "budget", "campaign", None, "Budget rule: a condition over live metrics and an action"
    ),
}

#: Built-in risk rules: (rule id, kind); created with default parameters, enforced.
BUILTIN = (
    ("risk.same_ip_burst", "same_ip_burst"),
    ("risk.thresholds", "thresholds"),
    (payment_mismatch.RULE_ID, "payment_mismatch"),
    (unknown_order_payment.RULE_ID, "unknown_order_payment"),
    (duplicate_payment.RULE_ID, "duplicate_payment"),
)


def rule_kind(kind: str) -> RuleKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidEntity(
            f"unknown rule kind {kind!r}; one of {', '.join(KINDS)}", "kind"
        ) from None
