"""Backtests replay what a real embedded ClickHouse (chdb) holds: each test gets a fresh
database with warroom's schema, written to the way the sink writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from warroom.store.warehouse.chdb_backend import ChdbWarehouse
from warroom.store.warehouse.schema import apply_schema


@pytest.fixture
def chdb(tmp_path: Path) -> Iterator[ChdbWarehouse]:
    """chdb on a path of its own (one path per process at a time: closed after the test)."""
    wh = ChdbWarehouse(tmp_path / "chdb", f"bt_{uuid.uuid4().hex[:10]}")
    apply_schema(wh)
    yield wh
    wh.close()
