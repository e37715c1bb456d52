"""The 三快 budget engine: one rule's decision on one entity, and what applying it does.

``decide`` is None when there is nothing to decide: the rule is off, the entity is
not active, the action does not fit the entity (pause: campaigns and creatives;
scale: campaigns; copy: creatives), the rule's scope or its shop, a scale lacks the budget or
the cap, or the condition does not hold. Otherwise it is a ``BudgetDecision``:
``proposed`` when the rule enforces and every guardrail is clear, else ``skipped``
with the first reason (a guardrail, ``cap_reached``, or ``shadow``).

The key is ``{rule id}@v{version}|{kind}:{entity id}|{window end}``, the window end
being the minute boundary of ``now`` (its minute, UTC, ``2024-11-11T12:00Z``: the
windows end in that minute). Every evaluation in one minute gives the same key, and
the history entry of that very key is not counted against it, so evaluating again
gives the same decision and the actuator applies it once. What applying a decision
does, and its revert, are in ``effects``.

Scale: the new budget is ``min(budget × factor rounded up to the fen, cap)``;
``cap_reached`` when that is no more than the budget. Copy: the new campaign's id is
derived from the key (``copy_id``), so a redelivered copy creates nothing new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_UP, Decimal
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from warroom.rules.budget.body import BudgetBody, Copy, Pause, Scale
from warroom.rules.budget.guardrails import Facts, History, Skip, blocking, state
from warroom.rules.budget.metrics import local_midnight
from warroom.rules.budget.vocabulary import CAMPAIGN_FIELDS, NAMES
from warroom.rules.condition import Condition, compile_condition
from warroom.rules.condition.closures import Values
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.budget import BudgetDecision, Change, EntityKind

#: Which entities each action applies to.
APPLIES_TO: dict[str, tuple[EntityKind, ...]] = {
    "pause": ("campaign", "creative"),
    "scale": ("campaign",),
    "copy": ("creative",),
}
CENT = Decimal("0.01")


class RuleRef(BaseModel):
    """The published version of a budget rule that decides; ``scope``, when given, is the
    one kind of entity it judges, ``shop_id`` the one shop."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: int
    body: BudgetBody
    scope: EntityKind | None = None
    shop_id: str | None = None

    @classmethod
    def of(cls, rule: RuleVersion, scope: EntityKind | None = None) -> RuleRef:
        if not isinstance(rule.params, BudgetBody):
            raise TypeError(f"{rule.rule_id} is not a budget rule")
        return cls(
            id=rule.rule_id,
            version=rule.version,
            body=rule.params,
            scope=scope,
            shop_id=rule.shop_id,
        )


class EntityState(BaseModel):
    """What the engine knows of a campaign or creative. A creative carries its campaign's
    budget, cap and targets; ``created_at`` is epoch seconds; ``applied`` holds the keys
    of the last decisions applied to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: EntityKind
    id: str
    shop_id: str
    campaign_id: str | None = None
    status: Literal["active", "paused", "ended"] = "active"
    daily_budget: Decimal | None = None
    budget_cap: Decimal | None = None
    target_cpa: Decimal | None = None
    target_roi: Decimal | None = None
    bid: Decimal | None = None
    created_at: float
    conversions: int = 0
    match_score: float | None = None
    time_zone: str = "Asia/Shanghai"
    applied: tuple[str, ...] = ()

    @property
    def campaign(self) -> str:
        """The campaign: itself, or the creative's."""
        return self.campaign_id or self.id

    def fields(self) -> dict[str, Decimal | float | None]:
        """The campaign fields a condition reads (``metric_values(fields=...)``)."""
        return {name: getattr(self, name) for name in CAMPAIGN_FIELDS}


@lru_cache(maxsize=512)
def compiled(source: str) -> Condition:
    """The condition compiled once (sources were validated when published)."""
    return compile_condition(source, NAMES)


def window_end(now: float) -> float:
    """The minute boundary of ``now`` (epoch seconds)."""
    return float(int(now // 60) * 60)


def decision_key(rule: RuleRef, entity: EntityState, now: float) -> str:
    minute = datetime.fromtimestamp(window_end(now), UTC)
    return f"{rule.id}@v{rule.version}|{entity.kind}:{entity.id}|{minute:%Y-%m-%dT%H:%MZ}"


def decide(
    rule: RuleRef,
    entity: EntityState,
    values: Values,
    history: History,
    kill_switch: bool,
    now: float,
    earlier: Callable[[float], Values] | None = None,
) -> BudgetDecision | None:
    """The rule's decision on ``entity`` at ``now``, or None (see the module docstring).
    ``earlier(t)`` gives the values as of an earlier time ``t``, for ``sustain_minutes``."""
    body, action = rule.body, rule.body.action
    if body.mode == "off" or entity.status != "active" or not _fits(rule, entity):
        return None
    condition = compiled(body.condition)
    if not condition(values):
        return None
    key = decision_key(rule, entity, now)
    planned = _plan(action, entity, key)
    if planned is None:
        return None
    changes, room = planned
    facts = Facts(
        key=key,
        values=values,
        history=history,
        age_s=now - entity.created_at,
        conversions=entity.conversions,
        match_score=entity.match_score,
        kill_switch=kill_switch,
        day_start=local_midnight(now, entity.time_zone),
        now=now,
    )
    skips = blocking(body.guardrails, condition, action.type, facts) + ([room] if room else [])
    if (lapse := unsustained(body.guardrails.sustain_minutes, condition, earlier, now)) is not None:
        skips.insert(0, lapse)
    reason = skips[0].reason if skips else ("shadow" if body.mode == "shadow" else None)
    thresholds = {
        "condition": body.condition,
        "action": action.model_dump(mode="json"),
        "guardrails": body.guardrails.model_dump(mode="json"),
    }
    return BudgetDecision(
        key=key,
        rule_id=rule.id,
        rule_version=rule.version,
        entity_kind=entity.kind,
        entity_id=entity.id,
        shop_id=entity.shop_id,
        campaign_id=entity.campaign,
        mode="shadow" if body.mode == "shadow" else "enforce",
        action=action.type,
        changes=changes,
        observed=condition.explain(values),
        thresholds=thresholds,
        guardrails=state(facts, skips),
        result="skipped" if reason else "proposed",
        reason=reason,
        entities=entities_of(entity, changes),
        window_end=datetime.fromtimestamp(window_end(now), UTC),
        decided_at=datetime.fromtimestamp(now, UTC),
    )


def unsustained(
    minutes: int, condition: Condition, earlier: Callable[[float], Values] | None, now: float
) -> Skip | None:
    """``not_sustained`` when the condition did not hold at one of the last ``minutes``
    minute ends (None: it held at every one, or nothing is asked)."""
    if minutes == 0:
        return None
    if earlier is None:  # the caller cannot look back: the rule cannot be sure
        return Skip("not_sustained", {"sustain_minutes": minutes, "held_for_min": None})
    for back in range(1, minutes + 1):
        if not condition(earlier(window_end(now) - 60 * (back - 1) - 1)):
            return Skip("not_sustained", {"sustain_minutes": minutes, "held_for_min": back - 1})
    return None


def _fits(rule: RuleRef, entity: EntityState) -> bool:
    kinds = APPLIES_TO[rule.body.action.type]
    return (
        entity.kind in kinds
        and rule.scope in (None, entity.kind)
        and rule.shop_id in (None, entity.shop_id)
    )


def _plan(
    action: Pause | Scale | Copy, entity: EntityState, key: str
) -> tuple[dict[str, Change], Skip | None] | None:
    """The changes an action makes, and ``cap_reached`` when a scale has no room."""
    if isinstance(action, Pause):
        return {"status": Change(before=entity.status, after="paused")}, None
    if isinstance(action, Copy):
        new = Change(before=None, after=copy_id(key))
        return {
            "copy_id": new,
            "copy_daily_budget": Change(before=None, after=str(action.initial_budget)),
        }, None
    budget, cap = entity.daily_budget, entity.budget_cap
    if budget is None or cap is None:
        return None
    grown = min((budget * Decimal(str(action.factor))).quantize(CENT, ROUND_UP), cap)
    if grown <= budget:
        return {}, Skip("cap_reached", {"daily_budget": str(budget), "budget_cap": str(cap)})
    return {"daily_budget": Change(before=str(budget), after=str(grown))}, None


def copy_id(key: str) -> str:
    """The id of the campaign a copy decision creates: the same for the same key."""
    return "cp-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def copied_creative_id(campaign_id: str) -> str:
    """The id of the creative a copy puts into the new campaign ``campaign_id``."""
    return f"{campaign_id}-0"


def entities_of(entity: EntityState, changes: dict[str, Change]) -> list[str]:
    out = [f"{entity.kind}:{entity.id}"]
    if entity.campaign != entity.id:
        out.append(f"campaign:{entity.campaign}")
    if "copy_id" in changes:
        out.append(f"campaign:{changes['copy_id'].after}")
    return [*out, f"shop:{entity.shop_id}"]


def remember(history: History, decision: BudgetDecision) -> History:
    """``history`` with ``decision`` if it acted, or would have (shadow): what the agent
    records as soon as it emits a decision, so the next evaluation sees its cool-down."""
    if decision.result in ("proposed", "applied") or decision.reason == "shadow":
        return history.record(decision.decided_at.timestamp(), decision.key)
    return history
