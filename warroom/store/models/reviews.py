"""The review queue: one row per held or reviewed order, open until a person releases it
or confirms the fraud; and the rules that fired on it, one row each, to filter by rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Document, Timestamp


class Review(Base):
    __tablename__ = "reviews"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # review or hold: the highest seen
    score: Mapped[float] = mapped_column(Float)
    rules: Mapped[list[str]] = mapped_column(Document)  # every rule that fired, sorted
    verdict: Mapped[dict[str, Any]] = mapped_column(Document)  # the Verdict that set outcome
    queued_at: Mapped[datetime] = mapped_column(Timestamp)  # the first verdict's decided_at
    status: Mapped[str] = mapped_column(String(16))  # open, released, confirmed_fraud
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    note: Mapped[str | None] = mapped_column(String(1000))
    version: Mapped[int] = mapped_column(Integer)  # bumped by every change

    __table_args__ = (Index("ix_reviews_status_queued", "status", "queued_at"),)


class ReviewRule(Base):
    __tablename__ = "review_rules"

    order_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("reviews.order_id", ondelete="CASCADE"), primary_key=True
    )
    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
