"""The review queue in the SQL store, fed by verdicts: one row per order, the highest
outcome wins while the order is open (``warroom.store.reviewing`` is the reviewer's side).

Updates are conditional on the row's status and version, so a decided order never
changes again and a concurrent change is never lost; a redelivered verdict changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from warroom.errors import Conflict
from warroom.rules.risk.verdict import UNKNOWN_SHOP
from warroom.schemas.decisions import Verdict
from warroom.store.models import Review, ReviewRule

#: Outcomes that queue an order, lowest first; approve and decline need nobody.
RANK = {"review": 1, "hold": 2}
ATTEMPTS = 5


def utc(value: datetime) -> datetime:
    """SQLite hands back naive times; they are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Entry:
    """What the queue knows of an order from its verdicts."""

    order_id: str
    shop_id: str
    outcome: str
    score: float
    rules: tuple[str, ...]
    verdict: dict[str, Any]
    queued_at: datetime

    @classmethod
    def of_verdict(cls, v: Verdict) -> Entry:
        rules = tuple(sorted({h.rule_id for h in v.hits}))
        dumped = v.model_dump(mode="json")
        return cls(v.order_id, v.shop_id, v.outcome, v.score, rules, dumped, utc(v.decided_at))

    @classmethod
    def of_row(cls, r: Review) -> Entry:
        rules = tuple(r.rules)
        return cls(r.order_id, r.shop_id, r.outcome, r.score, rules, r.verdict, utc(r.queued_at))

    def merge(self, other: Entry) -> Entry:
        """Both verdicts' evidence; the higher outcome (then score) leads. Order-free and
        idempotent: merging an entry already merged changes nothing."""
        lead = max(self, other, key=lambda e: (RANK[e.outcome], e.score, e.verdict["key"]))
        shop = self.shop_id if self.shop_id != UNKNOWN_SHOP else other.shop_id
        rules = tuple(sorted({*self.rules, *other.rules}))
        return replace(
            lead, shop_id=shop, rules=rules, queued_at=min(self.queued_at, other.queued_at)
        )

    def values(self) -> dict[str, Any]:
        return {
            "shop_id": self.shop_id,
            "outcome": self.outcome,
            "score": self.score,
            "rules": list(self.rules),
            "verdict": self.verdict,
            "queued_at": self.queued_at,
        }


def _insert_ignore(session: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """INSERT unless the primary key exists; whether a row was added."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(model).values(**values).on_conflict_do_nothing()
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def _write(session: Session, entry: Entry) -> bool:
    """Queue or update one order; whether anything changed."""
    for _ in range(ATTEMPTS):
        row = session.get(Review, entry.order_id, populate_existing=True)
        if row is None:
            fresh = {"order_id": entry.order_id, "status": "open", "version": 1}
            if _insert_ignore(session, Review, fresh | entry.values()):
                return True
            continue  # queued concurrently: merge into that row
        if row.status != "open":
            return False
        merged = Entry.of_row(row).merge(entry)
        if merged == Entry.of_row(row):
            return False
        stmt = (
            update(Review)
            .where(Review.order_id == row.order_id, Review.version == row.version)
            .values(**merged.values(), version=row.version + 1)
        )
        if session.execute(stmt).rowcount:  # type: ignore[attr-defined]
            return True
    raise Conflict(f"order {entry.order_id!r} kept changing while it was queued")


def queue(session: Session, verdicts: Iterable[Verdict]) -> int:
    """Queue the enforced review and hold verdicts; returns how many orders changed."""
    wanted: dict[str, Entry] = {}
    for v in verdicts:
        if v.mode == "enforce" and v.outcome in RANK:
            entry = Entry.of_verdict(v)
            seen = wanted.get(v.order_id)
            wanted[v.order_id] = seen.merge(entry) if seen else entry
    changed = 0
    for entry in wanted.values():
        if _write(session, entry):
            changed += 1
            for rule_id in entry.rules:
                _insert_ignore(
                    session, ReviewRule, {"order_id": entry.order_id, "rule_id": rule_id}
                )
    return changed
