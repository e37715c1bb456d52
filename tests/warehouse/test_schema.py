"""The schema applies on both backends, twice without harm, and every query the
schema's docstring promises runs inside the SQL subset both accept."""

from __future__ import annotations

import pytest

from warroom.store.warehouse import Warehouse, WarehouseError
from warroom.store.warehouse.schema import TABLES, VIEWS, apply_schema


def test_every_table_and_view_exists(warehouse: Warehouse) -> None:
    rows = warehouse.query(
        "SELECT name FROM system.tables WHERE database = %(db)s", {"db": warehouse.database}
    )
    assert {name for (name,) in rows} >= set(TABLES) | set(VIEWS)


def test_applying_the_schema_again_changes_nothing(warehouse: Warehouse) -> None:
    before = warehouse.query("SELECT count() FROM system.tables WHERE database = currentDatabase()")
    apply_schema(warehouse)
    after = warehouse.query("SELECT count() FROM system.tables WHERE database = currentDatabase()")
    assert before == after == [(len(TABLES) + len(VIEWS),)]


def test_a_malformed_query_is_a_warehouse_error(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError):
        warehouse.query("SELEC 1")
    with pytest.raises(WarehouseError):
        warehouse.query("SELECT count() FROM no_such_table")
