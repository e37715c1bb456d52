"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB

#: An auto-incrementing 64-bit id (SQLite only auto-increments INTEGER PRIMARY KEY).
BigId = BigInteger().with_variant(Integer, "sqlite")
#: JSON documents; JSONB on PostgreSQL.
Document = JSON().with_variant(JSONB(), "postgresql")
#: Timestamps are always stored with their zone (UTC).
Timestamp = DateTime(timezone=True)


def utcnow() -> datetime:
    return datetime.now(UTC)
