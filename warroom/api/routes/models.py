"""``/v1/models``: every online model version the workers run, with its rolling quality
(AUC and log-loss over the latest outcomes, beside a constant baseline), its role
(champion or challenger in shadow) and its checkpoint state; champion switches; and the
operators' promote / rollback of the match model (admin; audited, applied by every
worker within a second)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, BackgroundTasks

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.api.entities import responses
from warroom.errors import Conflict, NotFound
from warroom.schemas.entities.common import Page
from warroom.schemas.models import CommandRequest, ModelCommand, ModelReport, ModelSwitch
from warroom.store import audit
from warroom.store.outbox import enqueue
from warroom.streams.names import topic_name

router = APIRouter(prefix="/v1/models", tags=["models"])
#: The models with a challenger that a person may swap in.
CONTESTED = ("match",)


@router.get("", responses=responses())
def list_models(actor: ActorDep, rt: RuntimeDep) -> Page[ModelReport]:
    """The latest report of every model version, per worker."""
    actor.require(*READERS)
    reports = rt.models.models()
    return Page[ModelReport](data=reports, count=len(reports))


@router.get("/switches", responses=responses())
def list_switches(actor: ActorDep, rt: RuntimeDep) -> Page[ModelSwitch]:
    """Champion switches this API process saw, newest first."""
    actor.require(*READERS)
    switches = list(reversed(rt.models.switches))
    return Page[ModelSwitch](data=switches, count=len(switches))


@router.post("/{name}/{action}", status_code=202, responses=responses(404, 409))
def command(
    name: str,
    action: Literal["promote", "rollback"],
    body: CommandRequest,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> ModelCommand:
    """Swap the champion and its challenger (``promote``: the challenger takes over;
    ``rollback``: the former champion comes back, after a promotion)."""
    actor.require("admin")
    if name not in CONTESTED:
        raise NotFound(f"no model {name!r} with a challenger; one of {', '.join(CONTESTED)}")
    roles = {r.role: r.version for r in rt.models.models() if r.model == name}
    if "challenger" not in roles:
        raise Conflict(f"model {name!r} has no challenger running: nothing to swap in")
    cmd = ModelCommand(
        model=name, action=action, by=actor.id, reason=body.reason, at=datetime.now(UTC)
    )
    after = {"champion": roles["challenger"], "reason": body.reason}
    audit.record(
        session, actor.id, action, "model", name, None, {"champion": roles.get("champion")}, after
    )
    enqueue(session, topic_name("model-commands"), name, cmd)
    background.add_task(rt.relay.kick)  # after the response, so after the commit
    return cmd
