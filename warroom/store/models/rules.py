"""The rulebook: rules (with an editable draft) and their immutable published versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Document, Timestamp, utcnow


class Rule(Base):
    """A rule: its identity, its draft, and which published version is live."""

    __tablename__ = "rules"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    family: Mapped[str] = mapped_column(String(16))  # budget | risk
    kind: Mapped[str] = mapped_column(
        String(64)
    )  # risk: the rule implementation; budget: condition
    scope: Mapped[str] = mapped_column(String(16))  # campaign, creative, order, payment, ...
    title: Mapped[str] = mapped_column(String(200), default="")
    shop_id: Mapped[str | None] = mapped_column(String(64), index=True)  # None: every shop
    draft: Mapped[dict[str, Any]] = mapped_column(Document)
    live_version: Mapped[int | None] = mapped_column(Integer)
    #: A version judged beside the live one, whose hits never change an outcome (shadow).
    candidate_version: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # optimistic concurrency
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 (SQLAlchemy's declarative API)


class RuleVersion(Base):
    """One published version of a rule; never changed once written."""

    __tablename__ = "rule_versions"

    rule_id: Mapped[str] = mapped_column(ForeignKey("rules.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(Document)
    published_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
