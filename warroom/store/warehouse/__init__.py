"""The warehouse: ClickHouse history (raw events, decisions, labels, rollups).

``open_warehouse(settings)`` picks the backend: a ClickHouse server when
``WARROOM_CLICKHOUSE_DSN`` is set (production, several workers), otherwise chdb in
``data_dir/warehouse`` (embedded, one owning process). The schema is applied on open.
"""

from __future__ import annotations

from warroom.settings import Settings
from warroom.store.warehouse.base import (
    Columns,
    Row,
    Warehouse,
    WarehouseError,
    WarehouseUnavailable,
)
from warroom.store.warehouse.schema import apply_schema

__all__ = [
    "Columns",
    "Row",
    "Warehouse",
    "WarehouseError",
    "WarehouseUnavailable",
    "open_warehouse",
]


def open_warehouse(settings: Settings) -> Warehouse:
    """The configured warehouse, with its schema applied."""
    warehouse: Warehouse
    if settings.clickhouse_dsn:
        from warroom.store.warehouse.server import ServerWarehouse

        warehouse = ServerWarehouse(settings.clickhouse_dsn, settings.warehouse_database)
    else:
        from warroom.store.warehouse.chdb_backend import ChdbWarehouse

        warehouse = ChdbWarehouse(settings.data_dir / "warehouse", settings.warehouse_database)
    try:
        apply_schema(warehouse)
    except WarehouseError:
        warehouse.close()
        raise
    return warehouse
