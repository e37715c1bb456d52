"""The SQL store of a worker process: opened once at start (``open_shared``), used by the
agents that write what the worker decided (the actuator, the review queue).

The API migrates the store too; a worker started beside it on the same database may
race it to the first migration, so a failed migration is retried a few times.
"""

from __future__ import annotations

import time

from sqlalchemy.exc import OperationalError, ProgrammingError

from warroom.errors import WarroomError
from warroom.store.db import Store, migrate

_store: Store | None = None
ATTEMPTS = 5


def open_shared(url: str) -> Store:
    """Migrate the store at ``url`` and make it this process's shared store."""
    global _store
    for attempt in range(ATTEMPTS):
        try:
            migrate(url)
            break
        except (OperationalError, ProgrammingError):  # another process is migrating
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
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
