"""The warehouse suite runs every test against both backends: chdb in this process
and Debian's clickhouse-server started for the session. Each test gets a fresh
database with warroom's schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.warehouse.clickhouse import ClickHouseServer
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.chdb_backend import ChdbWarehouse
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse


@pytest.fixture(scope="session")
def clickhouse() -> Iterator[ClickHouseServer]:
    """A clickhouse-server (18.16) on a loopback port for the whole session."""
    server = ClickHouseServer()
    server.start()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def chdb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one chdb data path of this test process (chdb allows one per process)."""
    return tmp_path_factory.mktemp("chdb")


def open_backend(kind: str, request: pytest.FixtureRequest, database: str) -> Warehouse:
    if kind == "server":
        server: ClickHouseServer = request.getfixturevalue("clickhouse")
        return ServerWarehouse(server.dsn, database)
    return ChdbWarehouse(request.getfixturevalue("chdb_path"), database)


@pytest.fixture(params=["chdb", "server"])
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    """A fresh database with warroom's schema, on each backend in turn."""
    wh = open_backend(request.param, request, f"t_{uuid.uuid4().hex[:12]}")
    apply_schema(wh)
    yield wh
    wh.execute(f"DROP DATABASE IF EXISTS {wh.database}" + (" SYNC" if wh.backend == "chdb" else ""))
    wh.close()
