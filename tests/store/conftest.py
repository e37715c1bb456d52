"""Every store test runs on SQLite and on PostgreSQL, each time on a fresh database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.postgres import new_database
from warroom.store.db import Store, make_engine, migrate

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once, copied for every test."""
    path = tmp_path_factory.mktemp("sqlite-head") / "head.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_head(postgres_url: str) -> str:
    """A PostgreSQL database migrated to head once, emptied for every test."""
    url = new_database(postgres_url)
    migrate(url)
    return url


def emptied(url: str) -> str:
    """``url`` after removing every row (TRUNCATE: far faster than a new database)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        names = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database at the head schema."""
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_head"), path)
        return f"sqlite:///{path}"
    return emptied(request.getfixturevalue("postgres_head"))


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return new_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.dispose()
