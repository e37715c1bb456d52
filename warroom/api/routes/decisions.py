"""``/v1/decisions``: the budget decisions, their results and explanations, and revert.

``POST /v1/decisions/{id}/revert`` answers 202 with the revert decision: it restores
the status or budget from before (for a copy: pauses the copied campaign) once the
actuator has applied it (its result then shows at ``GET /v1/decisions/{revert id}``
and on the feed). Reverting a revert re-applies the original.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.api.entities import MAX_LIMIT, MAX_OFFSET, responses
from warroom.errors import Conflict, NotFound
from warroom.rules.budget.effects import revert
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.entities.common import Page
from warroom.schemas.entities.decisions import DecisionPublic
from warroom.store import decisions
from warroom.store.outbox import enqueue
from warroom.streams.names import topic_name

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])


@router.get("", responses=responses())
def list_decisions(
    session: SessionDep,
    actor: ActorDep,
    shop_id: str | None = None,
    campaign_id: str | None = None,
    entity_id: str | None = None,
    rule_id: str | None = None,
    action: Annotated[str | None, Query(examples=["pause"])] = None,
    result: Annotated[str | None, Query(examples=["applied"])] = None,
    mode: Annotated[str | None, Query(examples=["enforce"])] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[DecisionPublic]:
    """Decisions, newest first; a shop-scoped key sees its shops' decisions only."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    wanted = {
        "shop_id": shop_id,
        "campaign_id": campaign_id,
        "entity_id": entity_id,
        "rule_id": rule_id,
        "action": action,
        "result": result,
        "mode": mode,
    }
    rows, count = decisions.find(session, wanted, (limit, offset), actor.shops)
    return Page[DecisionPublic](data=[DecisionPublic.of(r) for r in rows], count=count)


@router.get("/{decision_id}", responses=responses(404))
def get_decision(decision_id: str, session: SessionDep, actor: ActorDep) -> DecisionPublic:
    actor.require(*READERS)
    row = decisions.by_id(session, decision_id)
    actor.require_shop(row.shop_id)
    return DecisionPublic.of(row)


@router.post("/{decision_id}/revert", status_code=202, responses=responses(404, 409))
def revert_decision(
    decision_id: str,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> DecisionPublic:
    """Undo an applied decision: the revert is itself a decision, applied by the actuator."""
    actor.require("admin", "buyer")
    row = decisions.by_id(session, decision_id)
    actor.require_shop(row.shop_id)
    if row.result != "applied":
        raise Conflict(f"decision {decision_id} was not applied ({row.result}): nothing to revert")
    original = BudgetDecision.model_validate(row.record)
    kind, entity_id = _target(original)
    current = decisions.entity_state(session, kind, entity_id)
    if current is None:
        raise NotFound(f"{kind} {entity_id!r} no longer exists")
    undo = revert(original, current, time.time())
    if undo is None:
        raise Conflict(f"{kind} {entity_id} already has the values from before {decision_id}")
    undo = undo.model_copy(update={"requested_by": actor.id})
    decisions.log(session, undo)
    enqueue(session, topic_name("decisions"), undo.shop_id, undo)
    background.add_task(rt.relay.kick)  # after the response, so after the commit
    return DecisionPublic.model_validate(undo.model_dump())


def _target(decision: BudgetDecision) -> tuple[str, str]:
    """The entity a revert changes: the decision's, or for a copy the copied campaign."""
    if decision.action == "copy":
        return "campaign", str(decision.changes["copy_id"].after)
    return decision.entity_kind, decision.entity_id
