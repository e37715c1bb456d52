"""The warehouse interface: run DDL, insert rows column by column, query rows back.

Two backends implement it (``chdb_backend`` embedded, ``server`` over clickhouse-driver);
the SQL they run stays inside the subset that both Debian's clickhouse-server 18.16
and modern ClickHouse accept. Query parameters are ``%(name)s`` placeholders, quoted
client-side (``params.render``), so both backends see the very same SQL text.

Results are lists of tuples with Python values: ``str``, ``int``, ``float``,
``Decimal``, ``date``, ``list`` and ``None``; DateTime columns come back as aware UTC
datetimes on both backends (warroom declares them ``DateTime('UTC')``).

Every backend call blocks; the ``a``-prefixed methods run it on the warehouse's own
single worker thread, so an event loop never waits on ClickHouse and one connection
is never used by two threads at once.
"""

from __future__ import annotations

import asyncio
import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from warroom.errors import WarroomError

Columns = Mapping[str, Sequence[Any]]
Row = tuple[Any, ...]
Params = Mapping[str, Any]
T = TypeVar("T")


class WarehouseError(WarroomError):
    """ClickHouse refused a statement (bad SQL, wrong types): retrying will not help."""


class WarehouseUnavailable(WarehouseError):
    """ClickHouse cannot be reached right now (server down, chdb path held): retry later."""


class Warehouse(ABC):
    """A ClickHouse database: DDL, columnar inserts and queries, in one database."""

    backend: str = "?"
    #: Whether ``insert_arrow`` works (chdb): the sink's fast path needs it.
    takes_arrow: bool = False

    def __init__(self, database: str) -> None:
        self.database = database
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse")

    @abstractmethod
    def execute(self, sql: str, params: Params | None = None) -> None:
        """Run a statement that returns nothing (DDL, ``OPTIMIZE``...)."""

    @abstractmethod
    def insert(self, table: str, columns: Columns) -> int:
        """Insert equally long columns into ``table``; the number of rows written."""

    def insert_arrow(self, table: str, names: list[str], build: Callable[[Any], Any]) -> int:
        """Insert the Arrow table that ``build`` makes of the Arrow schema of ``table``'s
        columns ``names``; the number of rows written. Only where ``takes_arrow``."""
        raise WarehouseError(f"the {self.backend} backend takes no Arrow inserts")

    @abstractmethod
    def query(self, sql: str, params: Params | None = None) -> list[Row]:
        """The rows of a ``SELECT``."""

    def close(self) -> None:
        """Release the connection (and, for chdb, the data path)."""
        self._thread.shutdown(wait=True)

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(fn, *args))

    async def aexecute(self, sql: str, params: Params | None = None) -> None:
        await self._in_thread(self.execute, sql, params)

    async def ainsert(self, table: str, columns: Columns) -> int:
        return await self._in_thread(self.insert, table, columns)

    async def ainsert_arrow(self, table: str, names: list[str], build: Callable[[Any], Any]) -> int:
        return await self._in_thread(self.insert_arrow, table, names, build)

    async def aquery(self, sql: str, params: Params | None = None) -> list[Row]:
        return await self._in_thread(self.query, sql, params)


def row_count(columns: Columns) -> int:
    """The common length of ``columns``; a ragged insert is a programming error.

    >>> row_count({"a": [1, 2], "b": ["x", "y"]})
    2
    """
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise WarehouseError(f"columns of different lengths: {sorted(lengths)}")
    return lengths.pop() if lengths else 0
