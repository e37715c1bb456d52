"""Loading a baseline from the warehouse when a worker starts, without holding it up.

``Startup.load`` runs as an ``app.task``: it opens this process's shared warehouse in a
thread (chdb: the one handle the sinks use too), runs the loader (its queries run in
the warehouse's thread), and gives up after ``timeout_s``. An agent calls ``wait``
before judging: it waits (at most ``timeout_s``) only while a load is under way, so a
worker without a warehouse, or an agent under test, never waits. Whatever fails, the
agent goes on from the running stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from warroom.settings import Settings
from warroom.store.warehouse.base import Warehouse, WarehouseError
from warroom.store.warehouse.shared import shared_warehouse

log = logging.getLogger(__name__)
T = TypeVar("T")
Loader = Callable[[Warehouse, datetime], Awaitable[T]]


class Startup:
    """One baseline, loaded once at start; ``wait`` holds a first batch until it is in."""

    def __init__(self, name: str, timeout_s: float = 15.0) -> None:
        self.name, self.timeout_s = name, timeout_s
        self.loading = False
        self.done = asyncio.Event()

    async def load(self, settings: Settings, loader: Loader[T]) -> T | None:
        """The loader's result, or None (no warehouse, an error, too slow)."""
        self.loading = True
        try:
            if not (settings.warehouse_sink or settings.clickhouse_dsn):
                return None  # no warehouse in this deployment
            return await asyncio.wait_for(self._run(settings, loader), self.timeout_s)
        except (WarehouseError, TimeoutError) as exc:
            log.warning("no %s baselines from the warehouse (%s): from the stream", self.name, exc)
            return None
        finally:
            self.done.set()

    async def _run(self, settings: Settings, loader: Loader[T]) -> T:
        warehouse = await asyncio.to_thread(shared_warehouse, settings)
        return await loader(warehouse, datetime.now(UTC))

    @property
    def pending(self) -> bool:
        """A load is under way (``wait`` would wait)."""
        return self.loading and not self.done.is_set()

    async def wait(self) -> None:
        """Wait for a load under way (bounded); return at once when none is."""
        if self.pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.done.wait(), self.timeout_s)
