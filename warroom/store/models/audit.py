"""The audit log: who changed what, when, from what, to what. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import BigId, Document, Timestamp, utcnow


class AuditEntry(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)  # api key id, or "system"
    action: Mapped[str] = mapped_column(String(32))  # create, update, delete, publish, ...
    resource: Mapped[str] = mapped_column(String(32))  # shop, campaign, rule, api_key, ...
    resource_id: Mapped[str] = mapped_column(String(128))
    shop_id: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(Document)
    after: Mapped[dict[str, Any] | None] = mapped_column(Document)

    __table_args__ = (Index("ix_audit_resource", "resource", "resource_id"),)
