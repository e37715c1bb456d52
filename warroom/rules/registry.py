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
from warroom.models.trust import TrustParams
from warroom.rules.abtest import creative_test
from warroom.rules.base import RuleParams
from warroom.rules.budget.body import BudgetBody
from warroom.rules.commission import splits
from warroom.rules.flash import stock_guard
from warroom.rules.journeys import fan_loop, retargeting
from warroom.rules.radar import hot_product
from warroom.rules.risk import (
    duplicate_payment,
    entity_burst,
    night_surge,
    order_anomaly,
    payment_failures,
    payment_mismatch,
    price_deviation,
    refund_spike,
    same_ip_burst,
    unknown_order_payment,
)
from warroom.rules.risk.scoring import Thresholds

Mode = Literal["off", "shadow", "enforce"]
#: The creator trust formula's weights and targets (``warroom/models/trust.py``).
TRUST_RULE_ID = "model.creator_trust"


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
    # Device and user bursts are two kinds, not one with an ``entity`` parameter: the
    # entity decides which re-keyed topic and agent judge the rule, which a publish
    # cannot change; what people tune (count, window, score) is shared with the IP burst.
    "same_device_burst": RuleKind(
        "risk", "order", entity_burst.Params, "More than N orders from one device within any W s"
    ),
    "same_user_burst": RuleKind(
        "risk", "order", entity_burst.Params, "More than N orders from one user within any W s"
    ),
    "price_deviation": RuleKind(
        "risk",
        "order",
        price_deviation.Params,
        "Unit price far below (or above) the SKU's average unit price",
    ),
    "night_surge": RuleKind(
        "risk",
        "order",
        night_surge.Params,
        "Orders in a night slot (shop time) far above the slot's baseline, per shop and SKU",
    ),
    "payment_failures": RuleKind(
        "risk",
        "payment",
        payment_failures.Params,
        "More than N failed payments per user or card within any W seconds",
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
    "refund_spike": RuleKind(
        "risk",
        "order",
        refund_spike.Params,
        "Refund rate of a shop or SKU far above its usual rate (history, or the other shops)",
    ),
    "thresholds": RuleKind(
        "risk", "order", Thresholds, "Risk score thresholds: review, hold, decline"
    ),
    "order_anomaly": RuleKind(
        "risk", "order", order_anomaly.Params, "The order anomaly model's score as a risk signal"
    ),
    "creator_trust": RuleKind(
        "risk", "creator", TrustParams, "Creator trust score: component weights and targets"
    ),
    "stock_guard": RuleKind(
        "budget",
        "sku",
        stock_guard.Params,
        "Flash sale: alert, then pause a SKU's campaigns before its stock runs out",
    ),
    "hot_product": RuleKind(
        "budget",
        "product",
        hot_product.Params,
        "Hot-product radar: tag a product and issue a coupon when searches grow and it converts",
    ),
    "commission_splits": RuleKind(
        "budget",
        "order",
        splits.Params,
        "Commission splits: a paid order's commission shared among up to 6 levels",
    ),
    "retargeting": RuleKind(
        "budget",
        "viewer",
        retargeting.Params,
        "Retargeting audience: viewers who clicked a product and did not order it in time",
    ),
    "fan_loop": RuleKind(
        "budget",
        "viewer",
        fan_loop.Params,
        "Public-to-private loop: discovery channels and repurchase windows (T0 / T30)",
    ),
    "ab_test": RuleKind(
        "budget",
        "creative",
        creative_test.Params,
        "Creative A/B test: variants compared by CTR, CVR or ROI with an always-valid mSPRT",
    ),
    "condition": RuleKind(
        "budget", "campaign", None, "Budget rule: a condition over live metrics and an action"
    ),
}

#: Built-in risk rules: (rule id, kind, mode); created with default parameters. Night
#: surge starts in shadow: until the warehouse baselines (issue 7) its baseline is only
#: what this worker saw of the stream, so it reports without holding orders.
BUILTIN: tuple[tuple[str, str, Mode], ...] = (
    ("risk.same_ip_burst", "same_ip_burst", "enforce"),
    ("risk.thresholds", "thresholds", "enforce"),
    (payment_mismatch.RULE_ID, "payment_mismatch", "enforce"),
    (unknown_order_payment.RULE_ID, "unknown_order_payment", "enforce"),
    (duplicate_payment.RULE_ID, "duplicate_payment", "enforce"),
    (entity_burst.DEVICE_RULE_ID, "same_device_burst", "enforce"),
    (entity_burst.USER_RULE_ID, "same_user_burst", "enforce"),
    (price_deviation.RULE_ID, "price_deviation", "enforce"),
    (night_surge.RULE_ID, "night_surge", "shadow"),
    (payment_failures.RULE_ID, "payment_failures", "enforce"),
    (refund_spike.RULE_ID, "refund_spike", "enforce"),
    # A model's signal starts in shadow: its hits are reported, and counted once enforced.
    (order_anomaly.RULE_ID, "order_anomaly", "shadow"),
    (TRUST_RULE_ID, "creator_trust", "enforce"),
    # No overselling from ad traffic: the stock guard pauses campaigns by default.
    (stock_guard.RULE_ID, "stock_guard", "enforce"),
    # A coupon costs money: the radar tags in shadow until a person enforces its coupons.
    (hot_product.RULE_ID, "hot_product", "shadow"),
    (splits.RULE_ID, "commission_splits", "enforce"),
    (retargeting.RULE_ID, "retargeting", "enforce"),
    (fan_loop.RULE_ID, "fan_loop", "enforce"),
)


def rule_kind(kind: str) -> RuleKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidEntity(
            f"unknown rule kind {kind!r}; one of {', '.join(KINDS)}", "kind"
        ) from None
