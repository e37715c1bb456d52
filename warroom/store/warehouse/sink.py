"""The batching sink: source messages in, one columnar insert per table per flush out.

Shaped like Quix Streams' ``BatchingSink``: ``add`` buffers, ``flush`` writes every
buffered table (thousands of rows per insert, never one per event) and hands back the
source offsets that are now safe to commit. The consumer (``consumer.py``) polls, adds,
flushes when ``due``, commits, and stops polling while a flush fails (back-pressure):
the buffer never grows past one flush's worth plus one poll, and Kafka keeps the rest.

Idempotent writes. Every row keeps its source (topic, partition, offset). A replay
starts at the last committed offset; rows between it and the highest offset the table
already holds for that partition (its *high-water mark*, read back once per
assignment) were written before the crash and are skipped, so neither raw tables nor
the rollups their materialized views feed count them twice. The mark is trusted only
when the group has a committed offset for the partition: without one (a new group,
or an embedded broker that lost its topics) offsets may have started over. Duplicates
that remain (the platform resending an event under a new offset, or a crash between
the very first insert and the first commit) collapse in raw-table queries (``FINAL``
on ReplacingMergeTree) but are counted by the rollups.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Any, cast

from pydantic import ValidationError

from warroom.errors import WarroomError
from warroom.observability import metrics
from warroom.store.warehouse.base import Warehouse
from warroom.store.warehouse.json_arrow import FAILED, JsonColumns
from warroom.store.warehouse.rows import TableSpec
from warroom.streams import stats

log = logging.getLogger(__name__)
TP = tuple[str, int]
#: What makes one message unreadable: bad JSON or events, or a field missing or malformed.
UNREADABLE = (WarroomError, ValidationError, KeyError, TypeError, ValueError, ArithmeticError)


@dataclass
class Pending:
    """One source message's records, waiting for the next insert; or, for the JSON fast
    path, its ``value`` still undecoded, with about ``hint`` records in it."""

    topic: str
    partition: int
    offset: int
    records: Sequence[Any]
    value: bytes | None = None
    hint: int = 0

    @property
    def rows(self) -> int:
        return len(self.records) if self.value is None else self.hint


@dataclass
class TableBuffer:
    spec: TableSpec
    pending: list[Pending] = field(default_factory=list)
    rows: int = 0


class BatchingSink:
    """Buffers records of several topics for their tables; ``flush`` inserts them."""

    def __init__(
        self, warehouse: Warehouse, routes: dict[str, TableSpec], flush_rows: int, flush_s: float
    ) -> None:
        self.warehouse = warehouse
        self.routes = routes
        self.flush_rows, self.flush_s = flush_rows, flush_s
        self.buffers = {spec.table: TableBuffer(spec) for spec in routes.values()}
        self.oldest: float | None = None
        self.committed: dict[TP, int | None] = {}  # at assignment
        self.floor: dict[TP, int] = {}  # offsets up to here are in the warehouse
        self.committable: dict[TP, int] = {}  # next offset to commit

    @property
    def rows(self) -> int:
        return sum(b.rows for b in self.buffers.values())

    def add(self, topic: str, partition: int, offset: int, value: bytes, now: float) -> None:
        """Buffer the rows of one message (none, if it is unreadable: never a stuck sink)."""
        spec = self.routes[topic]
        if value and spec.json is not None and self.warehouse.takes_arrow:
            pending = Pending(topic, partition, offset, [], value, spec.json.rows_hint(value))
        else:
            pending = Pending(topic, partition, offset, [])
            self._decode(spec, pending, value)
        buffer = self.buffers[spec.table]
        buffer.pending.append(pending)
        buffer.rows += pending.rows
        self.oldest = now if self.oldest is None else self.oldest

    def due(self, now: float) -> bool:
        """Whether a flush is due: enough rows, or the oldest buffered one is old enough."""
        if self.oldest is None:
            return False
        return self.rows >= self.flush_rows or now - self.oldest >= self.flush_s

    def assigned(self, tp: TP, committed: int | None) -> None:
        """This consumer now owns ``tp``; ``committed`` is the group's offset for it."""
        self.committed[tp] = committed
        self.floor.pop(tp, None)

    def revoked(self, tp: TP) -> None:
        """Forget ``tp``: its buffered messages will be read again by its next owner."""
        self.committed.pop(tp, None)
        self.floor.pop(tp, None)
        self.committable.pop(tp, None)
        for buffer in self.buffers.values():
            kept = [p for p in buffer.pending if (p.topic, p.partition) != tp]
            buffer.pending, buffer.rows = kept, sum(p.rows for p in kept)
        if not any(b.pending for b in self.buffers.values()):
            self.oldest = None

    async def flush(self) -> int:
        """Insert every buffered table; the rows written. Raises ``WarehouseError`` (and
        keeps what is not written) when ClickHouse fails; tables written stay written.
        Messages added while a flush runs wait for the next one."""
        written = 0
        for buffer in self.buffers.values():
            if buffer.pending:
                written += await self._flush_table(buffer)
        if not any(b.pending for b in self.buffers.values()):
            self.oldest = None
        return written

    def take_committable(self) -> dict[TP, int]:
        """The next offset to commit per source partition, for what has been flushed."""
        out, self.committable = self.committable, {}
        return out

    async def _flush_table(self, buffer: TableBuffer) -> int:
        batch, buffer.pending, buffer.rows = buffer.pending, [], 0
        try:
            await self._load_floors(buffer.spec, batch)
            fresh = [p for p in batch if p.offset > self.floor.get((p.topic, p.partition), -1)]
            rows = await self._insert(buffer.spec, fresh)
        except BaseException:  # not written: back in front of what came meanwhile
            metrics.sink_failure(buffer.spec.table)
            buffer.pending = batch + buffer.pending
            buffer.rows = sum(p.rows for p in buffer.pending)
            raise
        skipped = sum(p.rows for p in batch) - sum(p.rows for p in fresh)
        if skipped:
            stats.count(f"sink.replayed.{buffer.spec.table}", skipped)
        for p in batch:
            tp = (p.topic, p.partition)
            self.floor[tp] = max(self.floor.get(tp, -1), p.offset)
            self.committable[tp] = max(self.committable.get(tp, 0), p.offset + 1)
        return rows

    async def _insert(self, spec: TableSpec, pending: list[Pending]) -> int:
        pending = [p for p in pending if p.rows]
        if not pending:
            return 0
        if spec.json is not None and any(p.value is not None for p in pending):
            rows = await self._insert_json(spec, pending)
            if rows is not None:
                return rows
            pending = [p for p in pending if p.rows]  # now decoded: the usual path
        try:  # every record at once: one pass per column over the whole batch
            columns = spec.to_columns(list(chain.from_iterable(p.records for p in pending)))
        except UNREADABLE:  # message by message, to skip only what cannot be read
            pending = [p for p in pending if self._readable(spec, p)]
            columns = spec.to_columns(list(chain.from_iterable(p.records for p in pending)))
        for name in ("src_topic", "src_partition", "src_offset"):
            get = attrgetter(name.removeprefix("src_"))
            columns[name] = list(chain.from_iterable([get(p)] * p.rows for p in pending))
        rows = await self.warehouse.ainsert(spec.table, columns)
        self._written(spec, rows)
        return rows

    async def _insert_json(self, spec: TableSpec, pending: list[Pending]) -> int | None:
        """Insert the batch read straight from its JSON (chdb); None when it cannot be
        read so, or chdb refuses it: then every message is decoded for the usual path."""
        reader = cast(JsonColumns, spec.json)
        messages = [(p.topic, p.partition, p.offset, p.value or b"") for p in pending]
        try:
            rows = await self.warehouse.ainsert_arrow(
                spec.table, reader.names, lambda schema: reader.table(messages, schema)
            )
        except (*FAILED, WarroomError) as exc:
            log.debug("sink reads %s the usual way: %r", spec.table, exc)
            stats.count(f"sink.json_fallback.{spec.table}")
            for p in pending:
                if p.value is not None:
                    self._decode(spec, p, p.value)
            return None
        for p in pending:  # written: nothing to keep
            p.value, p.hint = None, 0
        self._written(spec, rows)
        return rows

    @staticmethod
    def _written(spec: TableSpec, rows: int) -> None:
        stats.count(f"sink.rows.{spec.table}", rows)
        metrics.sink_flush(spec.table, rows)

    def _decode(self, spec: TableSpec, pending: Pending, value: bytes) -> None:
        """Decode a message's records into ``pending`` (none, if it is unreadable)."""
        pending.value, pending.hint = None, 0
        try:
            pending.records = spec.decode(value) if value else []
        except UNREADABLE as exc:
            pending.records = []
            self._unreadable(spec, pending, exc)

    def _readable(self, spec: TableSpec, pending: Pending) -> bool:
        try:
            spec.to_columns(pending.records)
        except UNREADABLE as exc:
            self._unreadable(spec, pending, exc)
            return False
        return True

    @staticmethod
    def _unreadable(spec: TableSpec, p: Pending, exc: BaseException) -> None:
        """A message the sink skips (never a stuck sink); ingest dead-letters bad input."""
        log.debug("sink skips %s[%d]@%d: %r", p.topic, p.partition, p.offset, exc)
        stats.count(f"sink.unreadable.{spec.table}")

    async def _load_floors(self, spec: TableSpec, batch: list[Pending]) -> None:
        """Read the high-water marks of the partitions this consumer has not seen yet."""
        unknown = {(p.topic, p.partition) for p in batch} - self.floor.keys()
        for topic in {t for t, _ in unknown}:
            marks: dict[int, int] = dict(
                await self.warehouse.aquery(
                    f"SELECT src_partition, max(src_offset) FROM {spec.table}"
                    " WHERE src_topic = %(topic)s GROUP BY src_partition",
                    {"topic": topic},
                )
            )
            for tp in (tp for tp in unknown if tp[0] == topic):
                trusted = self.committed.get(tp) is not None
                self.floor[tp] = marks.get(tp[1], -1) if trusted else -1
