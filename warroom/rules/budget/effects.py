"""What applying a budget decision does to an entity, and the decision that reverts it.

``apply_to`` is the in-memory model of the actuator: applying the same decision twice,
or one decided on values that have changed since (``stale``), changes nothing. The
store applies decisions the same way (``warroom.store.decisions``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from warroom.errors import InvalidEntity
from warroom.rules.budget.engine import EntityState, entities_of, window_end
from warroom.schemas.budget import BudgetDecision, Change

#: Fields of an entity a decision changes; other changes (a copy's) concern new entities.
ENTITY_FIELDS = ("status", "daily_budget")
#: Keys of applied decisions an entity remembers (older redeliveries are stale anyway).
KEPT_KEYS = 64
NotApplied = Literal["other_entity", "not_actionable", "duplicate", "stale"]


def why_not(entity: EntityState, decision: BudgetDecision) -> NotApplied | None:
    """Why applying ``decision`` to ``entity`` would change nothing, or None."""
    if (entity.kind, entity.id) != (decision.entity_kind, decision.entity_id):
        return "other_entity"
    if decision.mode == "shadow" or decision.result not in ("proposed", "applied"):
        return "not_actionable"
    if decision.key in entity.applied:
        return "duplicate"
    for name, change in decision.changes.items():
        if name in ENTITY_FIELDS and not same(name, read(entity, name), change.before):
            return "stale"
    return None


def apply_to(entity: EntityState, decision: BudgetDecision) -> EntityState:
    """The entity after ``decision``: unchanged when ``why_not`` says so (applying the
    same decision twice, or one decided on values that have changed since)."""
    if why_not(entity, decision) is not None:
        return entity
    update: dict[str, object] = {
        name: parse(name, change.after)
        for name, change in decision.changes.items()
        if name in ENTITY_FIELDS
    }
    update["applied"] = (*entity.applied, decision.key)[-KEPT_KEYS:]
    return entity.model_copy(update=update)


def revert(decision: BudgetDecision, current: EntityState, now: float) -> BudgetDecision | None:
    """The decision that undoes ``decision``: ``current`` (the entity as it is now; for a
    copy, the copied campaign) back to the values before it. None when there is nothing
    to restore. Its key is ``revert|{key}``: reverting twice is one revert."""
    if decision.mode == "shadow" or decision.result not in ("proposed", "applied"):
        return None
    back: dict[str, str | None]
    if decision.action == "copy":
        target = ("campaign", decision.changes["copy_id"].after)
        back = {"status": "paused"} if current.status == "active" else {}
    else:
        target = (decision.entity_kind, decision.entity_id)
        back = {n: c.before for n, c in decision.changes.items() if n in ENTITY_FIELDS}
    if (current.kind, current.id) != target:
        raise InvalidEntity(f"{decision.key} does not concern {current.kind} {current.id}", "id")
    changes = {
        name: Change(before=read(current, name), after=value)
        for name, value in back.items()
        if not same(name, read(current, name), value)
    }
    if not changes:
        return None
    key = f"revert|{decision.key}"
    return BudgetDecision(
        key=key,
        rule_id=decision.rule_id,
        rule_version=decision.rule_version,
        entity_kind=current.kind,
        entity_id=current.id,
        shop_id=current.shop_id,
        campaign_id=current.campaign,
        mode="enforce",
        action="revert",
        changes=changes,
        observed={},
        thresholds={"reverts": decision.key},
        guardrails={"clear": True, "blocked_by": []},
        result="proposed",
        entities=entities_of(current, changes),
        window_end=datetime.fromtimestamp(window_end(now), UTC),
        decided_at=datetime.fromtimestamp(now, UTC),
        reverts=decision.key,
    )


def read(entity: EntityState, name: str) -> str | None:
    value = getattr(entity, name)
    return None if value is None else str(value)


def parse(name: str, text: str | None) -> object:
    return Decimal(text) if name == "daily_budget" and text is not None else text


def same(name: str, a: str | None, b: str | None) -> bool:
    """Equal values (money compared as numbers: ``3000`` is ``3000.00``)."""
    return parse(name, a) == parse(name, b)
