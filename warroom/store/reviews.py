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

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from warroom.errors import Conflict
from warroom.rules.risk.verdict import UNKNOWN_SHOP
from warroom.schemas.decisions import Verdict
from warroom.store.models import Review, ReviewRule

#: Outcomes that queue an order, lowest first; approve and decline need nobody.
RANK = {"review": 1, "hold": 2}
ATTEMPTS = 5
#: Order ids per SELECT ... IN (bounded by the databases' parameter limits).
CHUNK = 500


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

    def row(self) -> dict[str, Any]:
        """The values of a new, open row."""
        return {"order_id": self.order_id, "status": "open", "version": 1, **self.values()}

    def values(self) -> dict[str, Any]:
        return {
            "shop_id": self.shop_id,
            "outcome": self.outcome,
            "score": self.score,
            "rules": list(self.rules),
            "verdict": self.verdict,
            "queued_at": self.queued_at,
        }


def _insert_new(
    session: Session, model: type[Review | ReviewRule], rows: list[dict[str, Any]]
) -> set[str]:
    """INSERT the ``rows`` whose primary key is new (one statement, executed for many
    rows); the order ids added."""
    if not rows:
        return set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(model).on_conflict_do_nothing().returning(model.order_id)
    return set(session.scalars(stmt, rows))


def _existing(session: Session, order_ids: list[str]) -> dict[str, Review]:
    rows: dict[str, Review] = {}
    for start in range(0, len(order_ids), CHUNK):
        stmt = select(Review).where(Review.order_id.in_(order_ids[start : start + CHUNK]))
        found = session.scalars(stmt.execution_options(populate_existing=True))
        rows.update((r.order_id, r) for r in found)
    return rows


def _merge(session: Session, entry: Entry, row: Review | None) -> bool:
    """Merge ``entry`` into its order's row while it is open; whether anything changed."""
    for _ in range(ATTEMPTS):
        if row is None:
            if _insert_new(session, Review, [entry.row()]):
                return True
        elif row.status != "open":
            return False
        else:
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
        row = session.get(Review, entry.order_id, populate_existing=True)  # changed meanwhile
    raise Conflict(f"order {entry.order_id!r} kept changing while it was queued")


def _wanted(verdicts: Iterable[Verdict]) -> dict[str, Entry]:
    """The enforced review and hold verdicts, merged per order."""
    wanted: dict[str, Entry] = {}
    for v in verdicts:
        if v.mode == "enforce" and v.outcome in RANK:
            entry = Entry.of_verdict(v)
            seen = wanted.get(v.order_id)
            wanted[v.order_id] = seen.merge(entry) if seen else entry
    return wanted


def queue(session: Session, verdicts: Iterable[Verdict]) -> int:
    """Queue the enforced review and hold verdicts; returns how many orders changed.
    New orders go in with one statement; known open ones are merged one by one."""
    wanted = dict(sorted(_wanted(verdicts).items()))  # one lock order for every writer
    existing = _existing(session, list(wanted))
    fresh = [e.row() for order_id, e in wanted.items() if order_id not in existing]
    added = _insert_new(session, Review, fresh)
    changed = [e for o, e in wanted.items() if o in added or _merge(session, e, existing.get(o))]
    pairs = [{"order_id": e.order_id, "rule_id": rule} for e in changed for rule in e.rules]
    _insert_new(session, ReviewRule, pairs)
    return len(changed)
