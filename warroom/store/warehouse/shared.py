"""The warehouse of this process, opened once and shared by everything in it.

chdb lets one process own a data path, so in the embedded mode (``warroom serve``:
worker and API in one process) the sinks and the report queries must use one handle:
this one. A ``warroom api`` process against a ClickHouse server opens its own.
"""

from __future__ import annotations

import threading

from warroom.settings import Settings
from warroom.store.warehouse import Warehouse, open_warehouse

_current: Warehouse | None = None
_lock = threading.Lock()


def shared_warehouse(settings: Settings) -> Warehouse:
    """This process's warehouse, opened (and its schema applied) on first use.

    Blocks while opening (chdb: ~1 s); raises ``WarehouseError`` when it cannot open,
    and tries again on the next call.
    """
    global _current
    with _lock:
        if _current is None:
            _current = open_warehouse(settings)
        return _current


def close_shared_warehouse() -> None:
    """Close this process's warehouse (chdb: release its data path)."""
    global _current
    with _lock:
        if _current is not None:
            _current.close()
            _current = None
