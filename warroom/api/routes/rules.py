"""``/v1/rules``: the rulebook. Drafts are edited freely; publishing makes an immutable
version live on every worker within a second; rollback re-publishes an older one."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Query, Response
from sqlalchemy import func, select

from warroom.api.auth import READERS, Actor, ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.api.entities import MAX_OFFSET
from warroom.errors import Forbidden
from warroom.rules.registry import rule_kind
from warroom.schemas.entities.common import Page
from warroom.schemas.rules import (
    PublishRequest,
    RollbackRequest,
    RuleCreate,
    RulePublic,
    RuleUpdate,
    RuleVersionPublic,
)
from warroom.store import rulebook
from warroom.store.models import Rule
from warroom.streams import topics

router = APIRouter(prefix="/v1/rules", tags=["rules"])
CONTROL = topics.control.get_topic_name()


def may_write(actor: Actor, family: str, shop_id: str | None) -> None:
    """Risk rules: admin and risk. Budget rules: admin, and buyers within their shops."""
    actor.require(*(("admin", "risk") if family == "risk" else ("admin", "buyer")))
    if actor.shops is not None and (shop_id is None or shop_id not in actor.shops):
        raise Forbidden(f"key {actor.id} may only write rules of its shops, not of {shop_id!r}")


def may_read(actor: Actor, rule: Rule) -> None:
    actor.require(*READERS)
    if rule.shop_id is not None:
        actor.require_shop(rule.shop_id)


@router.get("", response_model=Page[RulePublic])
def list_rules(
    session: SessionDep,
    actor: ActorDep,
    family: Literal["risk", "budget"] | None = None,
    kind: str | None = None,
    shop_id: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> Page[RulePublic]:
    actor.require(*READERS)
    query = select(Rule)
    for column, value in ((Rule.family, family), (Rule.kind, kind), (Rule.shop_id, shop_id)):
        if value is not None:
            query = query.where(column == value)
    if actor.shops is not None:
        query = query.where(Rule.shop_id.is_(None) | Rule.shop_id.in_(actor.shops))
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Rule.id).limit(limit).offset(offset))
    return Page(data=[RulePublic.model_validate(r) for r in rows], count=count)


@router.post("", status_code=201, response_model=RulePublic)
def create_rule(body: RuleCreate, session: SessionDep, actor: ActorDep) -> RulePublic:
    may_write(actor, rule_kind(body.kind).family, body.shop_id)
    rule = rulebook.create_rule(
        session, actor.id, body.id, body.kind, body.title, body.shop_id, body.draft, body.scope
    )
    return RulePublic.model_validate(rule)


@router.get("/{rule_id}", response_model=RulePublic)
def get_rule(rule_id: str, session: SessionDep, actor: ActorDep) -> RulePublic:
    rule = rulebook.get_rule(session, rule_id)
    may_read(actor, rule)
    return RulePublic.model_validate(rule)


@router.patch("/{rule_id}", response_model=RulePublic)
def update_rule(rule_id: str, body: RuleUpdate, session: SessionDep, actor: ActorDep) -> RulePublic:
    rule = rulebook.get_rule(session, rule_id)
    may_write(actor, rule.family, rule.shop_id)
    rule = rulebook.update_draft(session, actor.id, rule_id, body.revision, body.draft, body.title)
    return RulePublic.model_validate(rule)


@router.delete("/{rule_id}", status_code=204)
def delete_rule(
    rule_id: str, session: SessionDep, actor: ActorDep, revision: int | None = Query(None, ge=1)
) -> Response:
    """Only a rule that was never published can be deleted (409 otherwise)."""
    rule = rulebook.get_rule(session, rule_id)
    may_write(actor, rule.family, rule.shop_id)
    rulebook.delete_rule(session, actor.id, rule_id, revision)
    return Response(status_code=204)


@router.post("/{rule_id}/publish", status_code=201, response_model=RuleVersionPublic)
def publish(
    rule_id: str,
    body: PublishRequest,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> RuleVersionPublic:
    rule = rulebook.get_rule(session, rule_id)
    may_write(actor, rule.family, rule.shop_id)
    version = rulebook.publish(session, actor.id, rule_id, body.revision, body.note, CONTROL)
    background.add_task(rt.relay.kick)  # runs after the response, so after the commit
    return RuleVersionPublic.model_validate(version)


@router.post("/{rule_id}/rollback", status_code=201, response_model=RuleVersionPublic)
def rollback(
    rule_id: str,
    body: RollbackRequest,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> RuleVersionPublic:
    rule = rulebook.get_rule(session, rule_id)
    may_write(actor, rule.family, rule.shop_id)
    version = rulebook.rollback(session, actor.id, rule_id, body.version, body.note, CONTROL)
    background.add_task(rt.relay.kick)
    return RuleVersionPublic.model_validate(version)


@router.get("/{rule_id}/versions", response_model=Page[RuleVersionPublic])
def list_versions(rule_id: str, session: SessionDep, actor: ActorDep) -> Page[RuleVersionPublic]:
    may_read(actor, rulebook.get_rule(session, rule_id))
    rows = rulebook.versions(session, rule_id)
    return Page(data=[RuleVersionPublic.model_validate(v) for v in rows], count=len(rows))
