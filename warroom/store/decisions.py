"""Budget decisions in the SQL store: the log of every decision and its result, the
entity as the store has it (what the actuator checks a decision against), and the
changes an applied decision makes (a status, a budget, a copied campaign), audited and
announced to every worker like any other change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.errors import NotFound
from warroom.rules.budget.effects import ENTITY_FIELDS, parse
from warroom.rules.budget.engine import EntityState, copied_creative_id
from warroom.schemas.budget import BudgetDecision
from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS, CREATIVES
from warroom.store.models import Campaign, Creative, DecisionRecord, Shop

#: Results after which a decision is settled: a redelivery of its key changes nothing.
SETTLED = frozenset({"applied", "failed", "skipped"})


def _epoch(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _campaign_fields(session: Session, campaign: Campaign) -> dict[str, Any]:
    shop = session.get(Shop, campaign.shop_id)
    return {
        "daily_budget": campaign.daily_budget,
        "budget_cap": campaign.budget_cap,
        "target_cpa": campaign.target_cpa,
        "target_roi": campaign.target_roi,
        "bid": campaign.bid,
        "time_zone": shop.time_zone if shop else "Asia/Shanghai",
    }


def entity_state(session: Session, kind: str, entity_id: str) -> EntityState | None:
    """A campaign or creative as the store has it now (a creative with its own status and
    its campaign's budget), or None when it does not exist."""
    if kind == "campaign":
        campaign = session.get(Campaign, entity_id)
        if campaign is None:
            return None
        row: Campaign | Creative = campaign
    else:
        creative = session.get(Creative, entity_id)
        campaign = None if creative is None else session.get(Campaign, creative.campaign_id)
        if creative is None or campaign is None:
            return None
        row = creative
    return EntityState(
        kind="campaign" if kind == "campaign" else "creative",
        id=row.id,
        shop_id=row.shop_id,
        campaign_id=campaign.id,
        status=row.status,
        created_at=_epoch(row.created_at),
        **_campaign_fields(session, campaign),
    )


def logged(session: Session, key: str) -> DecisionRecord | None:
    return session.get(DecisionRecord, key)


def log(session: Session, decision: BudgetDecision) -> DecisionRecord:
    """Record ``decision`` with its result: a new key is added, a known one takes the
    newer result (a revert also marks the decision it reverts)."""
    row = session.get(DecisionRecord, decision.key)
    values = _columns(decision)
    if row is None:
        row = DecisionRecord(key=decision.key, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    original = session.get(DecisionRecord, decision.reverts) if decision.reverts else None
    if original is not None and decision.result == "applied":
        original.reverted_by = decision.key
    session.flush()
    return row


def _columns(decision: BudgetDecision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "rule_id": decision.rule_id,
        "rule_version": decision.rule_version,
        "entity_kind": decision.entity_kind,
        "entity_id": decision.entity_id,
        "shop_id": decision.shop_id,
        "campaign_id": decision.campaign_id,
        "action": decision.action,
        "mode": decision.mode,
        "result": decision.result,
        "reason": decision.reason[:500] if decision.reason else None,
        "record": decision.model_dump(mode="json"),
        "decided_at": decision.decided_at,
        "settled_at": datetime.now(UTC),
    }


def apply_changes(session: Session, decision: BudgetDecision, actor: str) -> None:
    """Make the changes of an applied decision in the store, audited as ``actor``."""
    if decision.action == "copy":
        _copy(session, decision, actor)
        return
    if decision.action == "coupon":  # the tag and coupon live on the ad platform: logged only
        return
    values = {
        name: parse(name, change.after)
        for name, change in decision.changes.items()
        if name in ENTITY_FIELDS
    }
    if decision.entity_kind == "campaign":
        campaign = crud.get(session, CAMPAIGNS, decision.entity_id)
        crud.update(session, CAMPAIGNS, campaign, campaign.version, values, actor)
    else:
        creative = crud.get(session, CREATIVES, decision.entity_id)
        crud.update(session, CREATIVES, creative, creative.version, values, actor)


def _copy(session: Session, decision: BudgetDecision, actor: str) -> None:
    """A new campaign (linked to its origin) with a copy of the winning creative."""
    creative = crud.get(session, CREATIVES, decision.entity_id)
    origin = crud.get(session, CAMPAIGNS, creative.campaign_id)
    new_id = str(decision.changes["copy_id"].after)
    budget = Decimal(str(decision.changes["copy_daily_budget"].after))
    campaign: Mapping[str, Any] = {
        "id": new_id,
        "shop_id": origin.shop_id,
        "platform": origin.platform,
        "objective": origin.objective,
        "daily_budget": min(budget, origin.budget_cap),
        "bid": origin.bid,
        "target_cpa": origin.target_cpa,
        "target_roi": origin.target_roi,
        "budget_cap": origin.budget_cap,
        "status": "active",
        "origin_campaign_id": origin.id,
    }
    crud.create(session, CAMPAIGNS, campaign, actor)
    copy = {
        "id": copied_creative_id(new_id),
        "campaign_id": new_id,
        "product_id": creative.product_id,
        "creator_id": creative.creator_id,
        "title": f"{creative.title} (copy)"[:200],
        "video_length_s": creative.video_length_s,
        "status": "active",
    }
    crud.create(session, CREATIVES, copy, actor)


def by_id(session: Session, decision_id: str) -> DecisionRecord:
    row = session.scalars(select(DecisionRecord).where(DecisionRecord.id == decision_id)).first()
    if row is None:
        raise NotFound(f"decision {decision_id!r} does not exist")
    return row


def find(
    session: Session,
    filters: Mapping[str, str | None],
    page: tuple[int, int],
    shops: frozenset[str] | None = None,
) -> tuple[list[DecisionRecord], int]:
    """One page (limit, offset) of logged decisions, newest first, and how many match."""
    stmt = select(DecisionRecord)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(DecisionRecord, name) == value)
    if shops is not None:
        stmt = stmt.where(DecisionRecord.shop_id.in_(shops))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    limit, offset = page
    order = (DecisionRecord.decided_at.desc(), DecisionRecord.key)
    return list(session.scalars(stmt.order_by(*order).limit(limit).offset(offset))), total


def acted_since(session: Session, since: datetime) -> list[tuple[str, str, float, str]]:
    """(rule id, entity id, epoch seconds decided, key) of every decision applied (or that
    would have been: shadow) since ``since``, oldest first: what a restarted worker's
    guardrails (cool-down, daily limit) must remember."""
    acted = (DecisionRecord.result == "applied") | (DecisionRecord.reason == "shadow")
    rows = session.execute(
        select(
            DecisionRecord.rule_id,
            DecisionRecord.entity_id,
            DecisionRecord.decided_at,
            DecisionRecord.key,
        )
        .where(DecisionRecord.decided_at >= since, DecisionRecord.action != "revert", acted)
        .order_by(DecisionRecord.decided_at)
    )
    return [(rule, entity, _epoch(at), key) for rule, entity, at, key in rows]
