"""The reviewer's side of the review queue: read it page by page (filtered by shop, rule,
status and age), and decide an open order once: release it or confirm its fraud. A
decision is audited and queued in the outbox as a label (``labels`` topic) for the
models, the warehouse and the live feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from warroom.errors import Conflict, NotFound
from warroom.schemas.reviews import LABEL_OF, STATUS_OF, ReviewDecision, ReviewLabel
from warroom.store.audit import record
from warroom.store.models import Review, ReviewRule
from warroom.store.models.types import utcnow
from warroom.store.outbox import enqueue
from warroom.store.reviews import utc
from warroom.streams.names import topic_name


def get(session: Session, order_id: str) -> Review:
    row = session.get(Review, order_id, populate_existing=True)
    if row is None:
        raise NotFound(f"order {order_id!r} is not in the review queue")
    return row


def _already(row: Review) -> Conflict:
    at = utc(row.decided_at).isoformat() if row.decided_at else "?"
    return Conflict(f"order {row.order_id!r} was already {row.status} by {row.decided_by} at {at}")


def label_of(row: Review) -> ReviewLabel:
    """The decision on ``row`` as the label models and the warehouse consume."""
    action = next(a for a, status in STATUS_OF.items() if status == row.status)
    entities = dict.fromkeys(
        [f"order:{row.order_id}", f"shop:{row.shop_id}", *row.verdict.get("entities", [])]
    )
    return ReviewLabel(
        key=f"{row.order_id}|review",
        order_id=row.order_id,
        shop_id=row.shop_id,
        action=action,
        label=LABEL_OF[action],
        outcome=row.outcome,
        score=row.score,
        rules=row.rules,
        verdict_key=row.verdict["key"],
        decided_by=row.decided_by or "",
        decided_at=utc(row.decided_at or utcnow()),
        note=row.note or "",
        entities=list(entities),
    )


def decide(session: Session, row: Review, decision: ReviewDecision, actor: str) -> Review:
    """Release an open order or confirm its fraud, once: audited, and its label queued
    in the outbox. ``Conflict`` if it was decided already (also concurrently)."""
    if row.status != "open":
        raise _already(row)
    status = STATUS_OF[decision.action]
    stmt = (
        update(Review)
        .where(Review.order_id == row.order_id, Review.status == "open")
        .values(
            status=status,
            decided_by=actor,
            decided_at=utcnow(),
            note=decision.note,
            version=Review.version + 1,
        )
    )
    decided = session.execute(stmt).rowcount  # type: ignore[attr-defined]
    row = get(session, row.order_id)
    if not decided:
        raise _already(row)
    after = {"status": status, "note": decision.note, "outcome": row.outcome, "rules": row.rules}
    before = {"status": "open"}
    record(session, actor, decision.action, "review", row.order_id, row.shop_id, before, after)
    enqueue(session, topic_name("labels"), row.order_id, label_of(row))
    return row


@dataclass(frozen=True)
class ReviewFilter:
    status: str | None = "open"
    shop_id: str | None = None
    rule_id: str | None = None
    older_than_s: float | None = None  # queued at least this long ago
    newer_than_s: float | None = None  # queued less than this long ago


def search(
    session: Session,
    wanted: ReviewFilter,
    page: tuple[int, int],
    shops: frozenset[str] | None = None,
    now: datetime | None = None,
) -> tuple[list[Review], int]:
    """One page (limit, offset) of the queue, oldest first, and the total count.
    With ``shops`` only orders of those shops are seen."""
    now = now or utcnow()
    stmt = select(Review)
    if wanted.status is not None:
        stmt = stmt.where(Review.status == wanted.status)
    if wanted.shop_id is not None:
        stmt = stmt.where(Review.shop_id == wanted.shop_id)
    if wanted.rule_id is not None:
        fired = select(ReviewRule.order_id).where(ReviewRule.rule_id == wanted.rule_id)
        stmt = stmt.where(Review.order_id.in_(fired))
    if wanted.older_than_s is not None:
        stmt = stmt.where(Review.queued_at <= now - timedelta(seconds=wanted.older_than_s))
    if wanted.newer_than_s is not None:
        stmt = stmt.where(Review.queued_at > now - timedelta(seconds=wanted.newer_than_s))
    if shops is not None:
        stmt = stmt.where(Review.shop_id.in_(shops))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    limit, offset = page
    ordered = stmt.order_by(Review.queued_at, Review.order_id).limit(limit).offset(offset)
    return list(session.scalars(ordered)), total
