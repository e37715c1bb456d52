"""``/v1/rules/{id}/candidate`` and ``/shadow``: a rule's candidate version runs beside
the live one on the same events (its hits never change an outcome); the shadow report
says how often each fired and on which orders they disagree."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Response

from warroom.api.auth import ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.api.routes.rules import CONTROL, may_read, may_write
from warroom.schemas.rules import PublishRequest, RuleVersionPublic
from warroom.schemas.shadow import ShadowReport
from warroom.store import rulebook

router = APIRouter(prefix="/v1/rules", tags=["rules"])


@router.post("/{rule_id}/candidate", status_code=201, response_model=RuleVersionPublic)
def start_candidate(
    rule_id: str,
    body: PublishRequest,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> RuleVersionPublic:
    """Version the draft as the rule's candidate (replacing one running already).
    Publishing the rule as usual promotes the draft and ends the candidate."""
    rule = rulebook.get_rule(session, rule_id)
    may_write(actor, rule.family, rule.shop_id)
    version = rulebook.start_candidate(
        session, actor.id, rule_id, body.revision, body.note, CONTROL
    )
    background.add_task(rt.relay.kick)  # runs after the response, so after the commit
    return RuleVersionPublic.model_validate(version)


@router.delete("/{rule_id}/candidate", status_code=204)
def end_candidate(
    rule_id: str, session: SessionDep, actor: ActorDep, rt: RuntimeDep, background: BackgroundTasks
) -> Response:
    """Stop judging with the candidate (404 when the rule has none)."""
    rule = rulebook.get_rule(session, rule_id)
    may_write(actor, rule.family, rule.shop_id)
    rulebook.end_candidate(session, actor.id, rule_id, CONTROL)
    background.add_task(rt.relay.kick)
    return Response(status_code=204)


@router.get("/{rule_id}/shadow", response_model=ShadowReport)
def shadow_report(
    rule_id: str, session: SessionDep, actor: ActorDep, rt: RuntimeDep
) -> ShadowReport:
    """How the candidate compares with the live version: events either fired on, hits of
    each, and the latest disagreements (orders only one of them fired on).

    The tally is kept per API process, from the ``shadow`` topic, since that process
    started: a restart starts it over, and two API processes may differ. Without a
    running candidate it shows the rule's last comparison this process saw, if any.
    """
    rule = rulebook.get_rule(session, rule_id)
    may_read(actor, rule)
    return rt.shadow.report(rule_id, rule.live_version, rule.candidate_version)
