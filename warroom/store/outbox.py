"""The transactional outbox: enqueue in the caller's transaction, relay afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from warroom.store.db import Store
from warroom.store.models import OutboxMessage


def enqueue(session: Session, topic: str, key: str, message: BaseModel) -> None:
    """Add a message to be sent once the caller's transaction commits."""
    session.add(OutboxMessage(topic=topic, key=key, payload=message.model_dump_json()))


def unsent(store: Store, limit: int = 500) -> list[OutboxMessage]:
    """The oldest messages not sent yet, in the order they were committed."""
    with store.session() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return list(rows)


def mark_sent(store: Store, ids: list[int]) -> None:
    with store.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(sent_at=datetime.now(UTC))
        )


def resend_latest(store: Store, topic: str) -> int:
    """Send each key's latest message on ``topic`` again (they count as unsent once more);
    how many. For a compacted topic the broker lost (tansu keeps topics in memory): what
    it held, in the order it was committed, since sent messages stay in the outbox."""
    with store.session() as session:
        latest = (
            select(func.max(OutboxMessage.id))
            .where(OutboxMessage.topic == topic)
            .group_by(OutboxMessage.key)
        )
        resent = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(latest), OutboxMessage.sent_at.is_not(None))
            .values(sent_at=None)
        )
        return int(getattr(resent, "rowcount", 0) or 0)


def backlog(store: Store) -> int:
    """How many messages wait to be sent."""
    with store.session() as session:
        count = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
        return int(count or 0)
