"""The actuator's tests run on a real store (SQLite and PostgreSQL) with a seeded world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store.conftest import emptied, postgres_head, sqlite_head, store_url  # noqa: F401
from tests.store.entities import World, seed
from warroom.store.db import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    s = Store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def world(store: Store) -> World:
    with store.session() as session:
        return seed(session)
