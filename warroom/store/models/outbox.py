"""The transactional outbox: messages committed with the change they announce,
sent to Kafka afterwards by a relay, so nothing is lost if the broker is down."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import BigId, Timestamp, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # JSON, sent as is
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp)

    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)
