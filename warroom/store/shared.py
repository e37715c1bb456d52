"""The SQL store of a worker process: opened once at start (``open_shared``), used by the
agents that write what the worker decided (the actuator, the review queue).

The API migrates the store too; ``migrate`` retries when the two race.
"""

from __future__ import annotations

from warroom.errors import WarroomError
from warroom.store.db import Store, migrate

_store: Store | None = None


def open_shared(url: str) -> Store:
    """Migrate the store at ``url`` and make it this process's shared store."""
    global _store
    migrate(url)
    close_shared()
    _store = Store(url)
    return _store


def shared() -> Store:
    """The store ``open_shared`` opened."""
    if _store is None:
        raise WarroomError("the worker's SQL store is not open (open_shared)")
    return _store


def close_shared() -> None:
    global _store
    if _store is not None:
        _store.dispose()
        _store = None


def shared_or_none() -> Store | None:
    """The shared store, or None while none is open (agent tests without a store)."""
    return _store
