"""The decision log: every budget decision the actuator has seen, by its idempotency key,
with its latest result. Applying is keyed on it (a redelivered key changes nothing), and
``/v1/decisions/{id}`` and revert read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Document, Timestamp


class DecisionRecord(Base):
    __tablename__ = "decisions"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    id: Mapped[str] = mapped_column(String(16), unique=True)
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    entity_kind: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(64))
    shop_id: Mapped[str] = mapped_column(String(64), index=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    record: Mapped[dict[str, Any]] = mapped_column(Document)  # the BudgetDecision, as JSON
    decided_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    settled_at: Mapped[datetime] = mapped_column(Timestamp)  # when the result was recorded
    reverted_by: Mapped[str | None] = mapped_column(String(400))

    __table_args__ = (Index("ix_decisions_entity", "entity_kind", "entity_id"),)
