"""The allow-list in the SQL store: each change audited and announced to every worker on the
control topic (through the outbox), in one transaction."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.errors import InvalidEntity, NotFound
from warroom.rules.risk.suppression import ANY_RULE, AllowEntry
from warroom.schemas.allow_list import AllowCreate
from warroom.schemas.control import AllowListChanged
from warroom.store.audit import record
from warroom.store.models import AllowListEntry, Rule
from warroom.store.outbox import enqueue
from warroom.streams.names import topic_name

RESOURCE = "allow_list"


def view(row: AllowListEntry) -> dict[str, Any]:
    expires = row.expires_at
    return {
        "id": row.id,
        "rule_id": row.rule_id,
        "entity": row.entity,
        "expires_at": None if expires is None else expires.isoformat(),
        "reason": row.reason,
    }


def is_active(row: AllowListEntry, now: datetime) -> bool:
    expires = row.expires_at
    return expires is None or now < (expires if expires.tzinfo else expires.replace(tzinfo=UTC))


def _announce(session: Session, entry_id: str, row: AllowListEntry | None) -> None:
    entry = None
    if row is not None:
        expires = None if row.expires_at is None else row.expires_at.timestamp()
        entry = AllowEntry(rule_id=row.rule_id, entity=row.entity, expires_at=expires)
    message = AllowListChanged(id=entry_id, entry=entry)
    enqueue(session, topic_name("control"), f"{RESOURCE}:{entry_id}", message)


def add(session: Session, actor: str, body: AllowCreate) -> AllowListEntry:
    """Add an entry (or snooze); the rule must be a risk rule of the rulebook, or ``*``."""
    rule = None if body.rule_id == ANY_RULE else session.get(Rule, body.rule_id)
    if body.rule_id != ANY_RULE and (rule is None or rule.family != "risk"):
        raise InvalidEntity(f"no risk rule {body.rule_id!r}", "rule_id")
    row = AllowListEntry(
        id=f"al_{secrets.token_hex(6)}",
        rule_id=body.rule_id,
        entity=body.entity,
        expires_at=body.expires_at,
        reason=body.reason,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    record(session, actor, "create", RESOURCE, row.id, None, None, view(row))
    _announce(session, row.id, row)
    return row


def entries(session: Session, entity: str | None = None) -> list[AllowListEntry]:
    query = select(AllowListEntry).order_by(AllowListEntry.created_at, AllowListEntry.id)
    if entity is not None:
        query = query.where(AllowListEntry.entity == entity)
    return list(session.scalars(query))


def remove(session: Session, actor: str, entry_id: str) -> None:
    row = session.get(AllowListEntry, entry_id)
    if row is None:
        raise NotFound(f"no allow-list entry {entry_id!r}")
    before = view(row)
    session.delete(row)
    record(session, actor, "delete", RESOURCE, entry_id, None, before, None)
    _announce(session, entry_id, None)
