"""The commerce API in-process (TestClient) on the session broker, once per SQL backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN, ADMIN_TOKEN
from tests.postgres import new_database
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.store.db import Store


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def crud(
    request: pytest.FixtureRequest, broker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """An admin's client of an API whose SQL store is a fresh SQLite file or PostgreSQL
    database (the whole module runs once on each)."""
    update: dict[str, Any] = {
        "kafka_bootstrap": broker,
        "data_dir": tmp_path_factory.mktemp("crud"),
        "admin_key": ADMIN_TOKEN,
    }
    if request.param == "postgresql":
        update["sql_url"] = new_database(request.getfixturevalue("postgres_url"))
    api = create_api(get_settings().model_copy(update=update), broker)
    with TestClient(api, headers=ADMIN) as client:
        yield client


@pytest.fixture(scope="session")
def crud_store(crud: TestClient) -> Store:
    """The store behind ``crud`` (to mint keys of other roles)."""
    store: Store = crud.app.state.runtime.store  # type: ignore[attr-defined]
    return store
