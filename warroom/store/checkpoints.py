"""Save and load agents' per-partition state checkpoints (``stream_checkpoints``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.store.models.checkpoints import StreamCheckpoint
from warroom.store.models.types import utcnow


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The state of the keys on ``partition`` with every offset below ``next_offset`` in it."""

    partition: int
    next_offset: int
    data: bytes


def save(session: Session, name: str, checkpoints: Iterable[Checkpoint]) -> None:
    """Replace ``name``'s checkpoints of these partitions."""
    at = utcnow()
    for cp in checkpoints:
        row = session.get(StreamCheckpoint, (name, cp.partition))
        if row is None:
            session.add(
                StreamCheckpoint(
                    name=name,
                    partition=cp.partition,
                    saved_at=at,
                    next_offset=cp.next_offset,
                    data=cp.data,
                )
            )
        else:
            row.next_offset, row.data, row.saved_at = cp.next_offset, cp.data, at


def load(session: Session, name: str, partition: int) -> Checkpoint | None:
    row = session.scalar(
        select(StreamCheckpoint).where(
            StreamCheckpoint.name == name, StreamCheckpoint.partition == partition
        )
    )
    return None if row is None else Checkpoint(partition, row.next_offset, row.data)
