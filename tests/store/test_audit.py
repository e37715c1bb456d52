"""Every change writes an audit entry in its own transaction: both commit or neither."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.store.entities import ACTOR, creator, product, seed, shop
from warroom.errors import StaleVersion
from warroom.store import crud
from warroom.store.audit_log import AuditFilter, search
from warroom.store.commerce import CREATORS, PRODUCTS, SHOPS
from warroom.store.db import Store
from warroom.store.models import AuditEntry


def entries(store: Store, resource_id: str) -> list[AuditEntry]:
    with store.session() as session:
        stmt = select(AuditEntry).where(AuditEntry.resource_id == resource_id)
        return list(session.scalars(stmt.order_by(AuditEntry.id)))


def test_create_update_delete_each_leave_one_entry_with_before_and_after(store: Store) -> None:
    with store.session() as session:
        s = crud.create(session, SHOPS, shop(), ACTOR)
        p = crud.create(session, PRODUCTS, product(s.id, list_price=Decimal("59.9")), ACTOR)
    with store.session() as session:
        row = crud.get(session, PRODUCTS, p.id)
        crud.update(session, PRODUCTS, row, 1, {"list_price": Decimal("49.9")}, "wk_other")
    with store.session() as session:
        crud.delete(session, PRODUCTS, crud.get(session, PRODUCTS, p.id), 2, ACTOR)

    created, updated, deleted = entries(store, p.id)
    assert [e.action for e in (created, updated, deleted)] == ["create", "update", "delete"]
    assert {e.resource for e in (created, updated, deleted)} == {"product"}
    assert {e.shop_id for e in (created, updated, deleted)} == {s.id}
    assert [e.actor for e in (created, updated, deleted)] == [ACTOR, "wk_other", ACTOR]
    assert created.before is None and created.after is not None
    assert created.after["list_price"] == "59.9000" and created.after["version"] == 1
    assert updated.before == created.after
    assert updated.after is not None
    assert (updated.after["list_price"], updated.after["version"]) == ("49.9000", 2)
    assert deleted.before == updated.after and deleted.after is None


def test_a_refused_update_writes_no_entry(store: Store) -> None:
    with store.session() as session:
        w = seed(session)

    with store.session() as session:
        row = crud.get(session, PRODUCTS, w.product)
        with pytest.raises(StaleVersion):
            crud.update(session, PRODUCTS, row, 7, {"stock": 1}, ACTOR)

    assert [e.action for e in entries(store, w.product)] == ["create"]


def test_a_change_rolled_back_takes_its_entry_with_it(store: Store) -> None:
    with store.session() as session:
        w = seed(session)

    def change_then_fail() -> None:
        with store.session() as session:
            row = crud.get(session, PRODUCTS, w.product)
            crud.update(session, PRODUCTS, row, 1, {"stock": 0}, ACTOR)
            raise RuntimeError("the request failed after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert [e.action for e in entries(store, w.product)] == ["create"]
    with store.session() as session:
        assert crud.get(session, PRODUCTS, w.product).stock == 100


def test_search_filters_pages_and_scopes(store: Store) -> None:
    with store.session() as session:
        a, b = seed(session), seed(session)
        c = crud.create(session, CREATORS, creator(), "wk_admin")
        crud.update(session, CREATORS, c, 1, {"fan_count": 5}, "wk_admin")
    start = datetime.now(UTC) - timedelta(minutes=1)

    with store.session() as session:
        rows, count = search(session, AuditFilter(shop_id=a.shop), (2, 0))
        assert count == 4 and len(rows) == 2  # a's shop, product, campaign, creative
        assert rows[0].id > rows[1].id  # newest first
        rows, count = search(session, AuditFilter(resource="creator", action="update"), (10, 0))
        assert count == 1 and rows[0].resource_id == c.id and rows[0].actor == "wk_admin"
        _, count = search(session, AuditFilter(actor="wk_admin"), (10, 0))
        assert count == 2
        _, count = search(session, AuditFilter(since=start, resource_id=b.product), (10, 0))
        assert count == 1
        _, count = search(session, AuditFilter(until=start, resource_id=b.product), (10, 0))
        assert count == 0
        rows, count = search(session, AuditFilter(), (100, 0), frozenset([b.shop]))
        assert count == 4 and {r.shop_id for r in rows} == {b.shop}
