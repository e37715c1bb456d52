"""``/v1/allow-list``: entries and snoozes that silence a risk rule for one entity (an IP, a
user, a shop...) on every worker; admins and risk teams manage them, every change audited."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, BackgroundTasks, Query, Response

from warroom.api.auth import ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.schemas.allow_list import AllowCreate, AllowPublic
from warroom.schemas.entities.common import Page
from warroom.store import allow_list
from warroom.store.models import AllowListEntry

router = APIRouter(prefix="/v1/allow-list", tags=["allow-list"])


def public(row: AllowListEntry, now: datetime) -> AllowPublic:
    return AllowPublic(
        id=row.id,
        rule_id=row.rule_id,
        entity=row.entity,
        expires_at=row.expires_at,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
        active=allow_list.is_active(row, now),
    )


@router.get("", response_model=Page[AllowPublic])
def list_entries(
    session: SessionDep,
    actor: ActorDep,
    entity: str | None = Query(None, max_length=200, description="e.g. ip:1.2.3.4"),
) -> Page[AllowPublic]:
    actor.require("admin", "risk")
    rows, now = allow_list.entries(session, entity), datetime.now(UTC)
    return Page(data=[public(row, now) for row in rows], count=len(rows))


@router.post("", status_code=201, response_model=AllowPublic)
def add_entry(
    body: AllowCreate,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> AllowPublic:
    actor.require("admin", "risk")
    actor.require_shop(None)  # an entry holds on every shop: keys scoped to shops may not
    row = allow_list.add(session, actor.id, body)
    background.add_task(rt.relay.kick)  # after the response, so after the commit
    return public(row, datetime.now(UTC))


@router.delete("/{entry_id}", status_code=204)
def delete_entry(
    entry_id: str,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> Response:
    actor.require("admin", "risk")
    actor.require_shop(None)
    allow_list.remove(session, actor.id, entry_id)
    background.add_task(rt.relay.kick)
    return Response(status_code=204)
