"""``GET /v1/audit``: who changed what, when, from what, to what. Read-only: no route
changes or deletes an audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import SessionDep
from warroom.api.entities import MAX_LIMIT, MAX_OFFSET, page, responses
from warroom.schemas.entities.audit import AuditPublic
from warroom.schemas.entities.common import Page
from warroom.store.audit_log import AuditFilter, search

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", responses=responses())
def list_audit(
    session: SessionDep,
    actor: ActorDep,
    resource: Annotated[str | None, Query(examples=["campaign"])] = None,
    resource_id: str | None = None,
    actor_id: Annotated[str | None, Query(alias="actor", description="key id")] = None,
    action: Annotated[str | None, Query(examples=["update"])] = None,
    shop_id: str | None = None,
    since: Annotated[datetime | None, Query(description="from (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="until (exclusive)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[AuditPublic]:
    """Audit entries, newest first; a shop-scoped key sees its shops' entries only."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    wanted = AuditFilter(resource, resource_id, actor_id, action, shop_id, since, until)
    rows, count = search(session, wanted, (limit, offset), actor.shops)
    return page(AuditPublic, rows, count)
