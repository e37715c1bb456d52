"""Reading the audit log: filtered, newest first, limited to the shops a caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.store.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    resource: str | None = None
    resource_id: str | None = None
    actor: str | None = None
    action: str | None = None
    shop_id: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def _utc(value: datetime) -> datetime:
    """SQLite keeps times without their zone: compare in UTC (a naive time is UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def search(
    session: Session,
    wanted: AuditFilter,
    page: tuple[int, int],
    shops: frozenset[str] | None = None,
) -> tuple[list[AuditEntry], int]:
    """One page (limit, offset) of matching entries, newest first, and the total count.
    With ``shops`` only entries of those shops (never shop-less ones) are seen."""
    stmt = select(AuditEntry)
    for name in ("resource", "resource_id", "actor", "action", "shop_id"):
        if (value := getattr(wanted, name)) is not None:
            stmt = stmt.where(getattr(AuditEntry, name) == value)
    if wanted.since is not None:
        stmt = stmt.where(AuditEntry.at >= _utc(wanted.since))
    if wanted.until is not None:
        stmt = stmt.where(AuditEntry.at < _utc(wanted.until))
    if shops is not None:
        stmt = stmt.where(AuditEntry.shop_id.in_(shops))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    limit, offset = page
    order = (AuditEntry.at.desc(), AuditEntry.id.desc())
    rows = session.scalars(stmt.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total
