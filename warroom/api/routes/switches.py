"""``/v1/kill-switch``: stop every budget action on every worker at once, and allow them again."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, ConfigDict, Field

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.store import switches

router = APIRouter(prefix="/v1/kill-switch", tags=["kill switch"])


class SwitchSet(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"on": True, "reason": "platform outage: freeze all budget moves"}]
        },
    )

    on: bool
    reason: str = Field("", max_length=500)


class SwitchState(BaseModel):
    on: bool
    reason: str
    by: str | None = None
    at: datetime | None = None


@router.get("", response_model=SwitchState)
def get_switch(session: SessionDep, actor: ActorDep) -> SwitchState:
    actor.require(*READERS)
    return SwitchState.model_validate(switches.current(session))


@router.put("", response_model=SwitchState)
def set_switch(
    body: SwitchSet,
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
    background: BackgroundTasks,
) -> SwitchState:
    actor.require("admin")
    state = switches.flip(session, actor.id, body.on, body.reason)
    background.add_task(rt.relay.kick)  # after the response, so after the commit
    return SwitchState(**state, by=actor.id)
