"""``/v1/reviews``: the queue of held and reviewed orders. Anyone who reads may look;
admins and risk analysts release an order or confirm its fraud, once. The decision is
audited and becomes a label (``labels`` topic, live feed) through the outbox."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Query

from warroom.api.auth import READERS, ActorDep, Role
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.api.entities import MAX_LIMIT, MAX_OFFSET, page, responses
from warroom.schemas.entities.common import Page
from warroom.schemas.reviews import ReviewDecision, ReviewPublic
from warroom.store import reviewing
from warroom.store.reviewing import ReviewFilter

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])
DECIDERS: tuple[Role, ...] = ("admin", "risk")
Age = Annotated[float | None, Query(ge=0, le=366 * 86400)]
StatusFilter = Literal["open", "released", "confirmed_fraud", "any"]


@router.get("", responses=responses())
def list_reviews(
    session: SessionDep,
    actor: ActorDep,
    shop_id: str | None = None,
    rule: Annotated[str | None, Query(examples=["risk.same_ip_burst"])] = None,
    status: Annotated[StatusFilter, Query(description="any: every status")] = "open",
    older_than_s: Annotated[Age, Query(description="queued at least this many seconds ago")] = None,
    newer_than_s: Annotated[
        Age, Query(description="queued less than this many seconds ago")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[ReviewPublic]:
    """Queued orders, oldest first (open ones unless ``status`` says otherwise); a
    shop-scoped key sees its shops' orders only."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    wanted = ReviewFilter(
        None if status == "any" else status, shop_id, rule, older_than_s, newer_than_s
    )
    rows, count = reviewing.search(session, wanted, (limit, offset), actor.shops)
    return page(ReviewPublic, rows, count)


@router.get("/{order_id}", responses=responses(404))
def get_review(order_id: str, session: SessionDep, actor: ActorDep) -> ReviewPublic:
    actor.require(*READERS)
    row = reviewing.get(session, order_id)
    actor.require_shop(row.shop_id)
    return ReviewPublic.model_validate(row)


@router.post("/{order_id}", responses=responses(404, 409))
def decide_review(
    order_id: str,
    body: ReviewDecision,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> ReviewPublic:
    """Release the order or confirm its fraud; 409 if it was decided already."""
    actor.require(*DECIDERS)
    row = reviewing.get(session, order_id)
    actor.require_shop(row.shop_id)
    row = reviewing.decide(session, row, body, actor.id)
    background.add_task(rt.relay.kick)  # after the response, so after the commit
    return ReviewPublic.model_validate(row)
