"""Allow-list entries and snoozes: a rule (or every rule) silenced for one entity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Timestamp, utcnow


class AllowListEntry(Base):
    __tablename__ = "allow_list"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64), index=True)  # "*": every rule
    entity: Mapped[str] = mapped_column(String(200), index=True)  # "ip:1.2.3.4", "user:u1"
    expires_at: Mapped[datetime | None] = mapped_column(Timestamp)  # None: until removed
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
