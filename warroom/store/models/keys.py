"""API keys: a public id, a role, the shops it may touch, and a hash of its secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Document, Timestamp, utcnow


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public part, e.g. wk_3f9a1c...
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # admin, buyer, risk, ingest, viewer
    shops: Mapped[list[str] | None] = mapped_column(Document)  # None: every shop
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
