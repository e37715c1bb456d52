"""Create, read, update, delete and list any versioned entity, auditing every change.

Each change and its audit record are written in the caller's transaction, so they
commit (or roll back) together. Database refusals become ``warroom.errors``:
a stale version is ``StaleVersion``, a duplicate id or a broken reference ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from warroom.errors import Conflict, InvalidEntity, NotFound, StaleVersion
from warroom.store.announce import announce
from warroom.store.audit import record
from warroom.store.kinds import Kind, M

FOUR_PLACES = Decimal("0.0001")


def jsonable(value: Any) -> Any:
    """A column value as it goes into an audit record (JSON)."""
    if isinstance(value, Decimal):
        return str(value.quantize(FOUR_PLACES))
    if isinstance(value, datetime):  # SQLite gives naive times back; they are UTC
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value


def snapshot(row: Any) -> dict[str, Any]:
    """Every column of ``row``, JSON-ready: the before/after of an audit record."""
    return {c.key: jsonable(getattr(row, c.key)) for c in row.__mapper__.column_attrs}


def _current_version(session: Session, kind: Kind[M], entity_id: str) -> int | None:
    """The committed version of a row, read beside the session's failed transaction."""
    if session.bind is None:
        return None
    with session.bind.engine.connect() as conn:
        version: int | None = conn.scalar(
            select(kind.model.version).where(kind.model.id == entity_id)
        )
        return version


def _stale(kind: Kind[M], entity_id: str, sent: int, current: int | None) -> StaleVersion:
    now = "it was deleted" if current is None else f"it is now at version {current}"
    return StaleVersion(
        f"{kind.name} {entity_id!r} changed since version {sent}: {now}; reload and retry",
        current,
    )


@contextmanager
def translate_errors() -> Iterator[None]:
    """Database refusals at commit time (a concurrent change) as ``warroom.errors``."""
    try:
        yield
    except StaleDataError:
        raise StaleVersion("the row changed concurrently; reload and retry", None) from None
    except IntegrityError as exc:
        raise Conflict(f"the change conflicts with stored data: {exc.orig}") from None


def _flush(session: Session, kind: Kind[M], row: M, sent: int, conflict: str) -> None:
    entity_id = row.id  # the row is expired once a flush fails
    try:
        session.flush()
    except StaleDataError:
        current = _current_version(session, kind, entity_id)
        raise _stale(kind, entity_id, sent, current) from None
    except IntegrityError:
        raise Conflict(conflict) from None


def get(session: Session, kind: Kind[M], entity_id: str) -> M:
    row = session.get(kind.model, entity_id)
    if row is None:
        raise NotFound(f"{kind.name} {entity_id!r} does not exist")
    return row


def reference(session: Session, kind: Kind[M], entity_id: str, field: str) -> M:
    """The entity a request refers to in ``field``; ``InvalidEntity`` if there is none."""
    row = session.get(kind.model, entity_id)
    if row is None:
        raise InvalidEntity(f"{kind.name} {entity_id!r} does not exist", field)
    return row


def _check_parents(session: Session, kind: Kind[M], values: Mapping[str, Any]) -> None:
    for field, (label, model) in kind.parents.items():
        value = values.get(field)
        if value is not None and session.get(model, value) is None:
            raise InvalidEntity(f"{label} {value!r} does not exist", field)


def _derived(session: Session, kind: Kind[M], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``values``' references; the fields derived from them (e.g. a creative's shop)."""
    _check_parents(session, kind, values)
    return kind.derive(session, values) if kind.derive else {}


def create(session: Session, kind: Kind[M], values: Mapping[str, Any], actor: str) -> M:
    entity_id = values["id"]
    if session.get(kind.model, entity_id) is not None:
        raise Conflict(f"{kind.name} {entity_id!r} already exists")
    row = kind.model(**values, **_derived(session, kind, values))
    session.add(row)
    _flush(session, kind, row, 1, f"{kind.name} {entity_id!r} already exists")
    session.refresh(row)
    after = snapshot(row)
    record(session, actor, "create", kind.name, entity_id, kind.shop_of(row), None, after)
    announce(session, kind.name, entity_id, after)
    return row


def update(
    session: Session, kind: Kind[M], row: M, version: int, changes: Mapping[str, Any], actor: str
) -> M:
    """Apply ``changes`` if ``row`` is still at ``version``; never a lost update."""
    if row.version != version:
        raise _stale(kind, row.id, version, row.version)
    before = snapshot(row)
    current = {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
    for field, value in {**changes, **_derived(session, kind, {**current, **changes})}.items():
        setattr(row, field, value)
    if not session.is_modified(row):
        return row
    _flush(session, kind, row, version, f"{kind.name} {row.id!r}: a reference no longer exists")
    session.refresh(row)
    after = snapshot(row)
    record(session, actor, "update", kind.name, row.id, kind.shop_of(row), before, after)
    announce(session, kind.name, row.id, after)
    return row


def _references(session: Session, kind: Kind[M], entity_id: str) -> list[str]:
    found = []
    for label, column in kind.children:
        ids = session.scalars(select(column.class_.id).where(column == entity_id).limit(4)).all()
        if ids:
            shown = ", ".join(repr(i) for i in ids[:3]) + (", ..." if len(ids) > 3 else "")
            found.append(f"{label} {shown}")
    return found


def delete(session: Session, kind: Kind[M], row: M, version: int | None, actor: str) -> None:
    """Delete ``row`` (at ``version`` when given) unless something still references it."""
    if version is not None and row.version != version:
        raise _stale(kind, row.id, version, row.version)
    if refs := _references(session, kind, row.id):
        raise Conflict(f"{kind.name} {row.id!r} is still referenced by {'; '.join(refs)}")
    before, shop = snapshot(row), kind.shop_of(row)
    session.delete(row)
    _flush(session, kind, row, row.version, f"{kind.name} {row.id!r} is still referenced")
    record(session, actor, "delete", kind.name, row.id, shop, before, None)
    announce(session, kind.name, row.id, None)


def _ordered(column: Any, desc: bool) -> Any:
    """Entities without a value come last either way, on every database."""
    return (column.desc() if desc else column.asc()).nulls_last()


def find(
    session: Session,
    kind: Kind[M],
    filters: Mapping[str, object | None],
    sort: Sequence[tuple[str, bool]],
    page: tuple[int, int],
    shops: frozenset[str] | None = None,
) -> tuple[list[M], int]:
    """One page (limit, offset) of the rows matching ``filters``, and how many match in all."""
    model = kind.model
    stmt = select(model)
    for field, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(model, field) == value)
    if shops is not None and kind.shop_column:
        stmt = stmt.where(getattr(model, kind.shop_column).in_(shops))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = [_ordered(getattr(model, field), desc) for field, desc in sort]
    limit, offset = page
    rows = session.scalars(stmt.order_by(*order, model.id).limit(limit).offset(offset)).all()
    return list(rows), total
