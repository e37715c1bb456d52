"""The global kill switch: flipped in the store (audited), announced on the control topic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.schemas.control import KillSwitch
from warroom.store.audit import record
from warroom.store.models import AuditEntry
from warroom.store.outbox import enqueue
from warroom.streams.names import topic_name

RESOURCE = "kill_switch"


def current(session: Session) -> dict[str, Any]:
    """The switch as last set (off when it never was)."""
    last = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.resource == RESOURCE)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if last is None or last.after is None:
        return {"on": False, "reason": "", "by": None, "at": None}
    return {**last.after, "by": last.actor, "at": last.at}


def flip(session: Session, actor: str, on: bool, reason: str) -> dict[str, Any]:
    before = current(session)
    after = {"on": on, "reason": reason}
    record(
        session,
        actor,
        "update",
        RESOURCE,
        "global",
        None,
        {"on": before["on"], "reason": before["reason"]},
        after,
    )
    enqueue(session, topic_name("control"), RESOURCE, KillSwitch(on=on, reason=reason, by=actor))
    return after
