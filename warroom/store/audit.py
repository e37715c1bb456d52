"""Append to the audit log in the caller's transaction: a change and its record commit together."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from warroom.store.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    resource: str,
    resource_id: str,
    shop_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        action=action,
        resource=resource,
        resource_id=resource_id,
        shop_id=shop_id,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry
