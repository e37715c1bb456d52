"""Stream state checkpoints: one row per (agent state, input partition), the state of the
keys on that partition and the offset it includes everything before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Timestamp


class StreamCheckpoint(Base):
    __tablename__ = "stream_checkpoints"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. count_campaigns
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_offset: Mapped[int] = mapped_column(BigInteger)  # the state includes offsets below
    data: Mapped[bytes] = mapped_column(LargeBinary)
    saved_at: Mapped[datetime] = mapped_column(Timestamp)
