"""Optimistic concurrency: a change based on a stale read is refused, never lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.store.entities import ACTOR, product, seed, shop
from warroom.errors import StaleVersion
from warroom.store import crud
from warroom.store.commerce import PRODUCTS, SHOPS
from warroom.store.db import Store
from warroom.store.models import AuditEntry, Product


def audit_count(store: Store, action: str) -> int:
    with store.session() as session:
        stmt = select(func.count()).where(AuditEntry.action == action)
        return session.scalar(stmt.where(AuditEntry.resource == "product")) or 0


def test_an_update_naming_an_old_version_is_refused_with_the_current_one(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
    with store.session() as session:
        crud.update(
            session, PRODUCTS, crud.get(session, PRODUCTS, w.product), 1, {"stock": 5}, ACTOR
        )

    with store.session() as session:
        row = crud.get(session, PRODUCTS, w.product)
        with pytest.raises(StaleVersion, match="now at version 2") as err:
            crud.update(session, PRODUCTS, row, 1, {"stock": 7}, ACTOR)
    assert err.value.current_version == 2


def test_two_sessions_racing_on_the_same_version_one_wins_one_is_refused(store: Store) -> None:
    with store.session() as session:
        w = seed(session)

    with Session(store.engine) as first, Session(store.engine) as second:
        a = crud.get(first, PRODUCTS, w.product)
        b = crud.get(second, PRODUCTS, w.product)  # both read version 1
        crud.update(first, PRODUCTS, a, 1, {"stock": 11}, ACTOR)
        first.commit()
        with pytest.raises(StaleVersion) as err:
            crud.update(second, PRODUCTS, b, 1, {"stock": 22}, ACTOR)
        second.rollback()

    assert err.value.current_version == 2
    with store.session() as session:
        row = crud.get(session, PRODUCTS, w.product)
        assert (row.stock, row.version) == (11, 2)
    assert audit_count(store, "update") == 1


def increment_stock(store: Store, product_id: str) -> int:
    """Read, add one, write back; retry when someone else got there first."""
    for attempt in range(1, 200):
        try:
            with store.session() as session:
                row = crud.get(session, PRODUCTS, product_id)
                crud.update(session, PRODUCTS, row, row.version, {"stock": row.stock + 1}, ACTOR)
            return attempt
        except StaleVersion:
            continue
    raise AssertionError("never got through")


def test_concurrent_read_modify_write_loses_no_update(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
        start = crud.get(session, PRODUCTS, w.product).stock

    with ThreadPoolExecutor(8) as pool:
        attempts = list(pool.map(lambda _: increment_stock(store, w.product), range(40)))

    with store.session() as session:
        row = session.get(Product, w.product)
        assert row is not None
        assert row.stock == start + 40
        assert row.version == 41
    assert audit_count(store, "update") == 40
    assert len(attempts) == 40


def test_a_delete_based_on_a_stale_read_is_refused(store: Store) -> None:
    with store.session() as session:
        shop_id = crud.create(session, SHOPS, shop(), ACTOR).id
        product_id = crud.create(session, PRODUCTS, product(shop_id), ACTOR).id

    with Session(store.engine) as first, Session(store.engine) as second:
        a = crud.get(first, PRODUCTS, product_id)
        b = crud.get(second, PRODUCTS, product_id)  # both read version 1
        crud.update(first, PRODUCTS, a, 1, {"title": "renamed"}, ACTOR)
        first.commit()
        with pytest.raises(StaleVersion, match="now at version 2"):
            crud.delete(second, PRODUCTS, b, None, ACTOR)
        second.rollback()

    with store.session() as session:
        assert crud.get(session, PRODUCTS, product_id).title == "renamed"
