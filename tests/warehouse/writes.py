"""Writing test records the way the sink does: envelopes (as on the topics the sink
reads) through a ``BatchingSink``."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from warroom.schemas.internal import OrderOrPayment
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.rows import TABLES
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams.codecs import encode_envelope

TOPIC = {"clicks": "t.clicks", "orders": "t.orders", "payments": "t.payments"}
TOPIC |= {"refunds": "t.refunds"}
TOPIC |= {"verdicts": "t.verdicts", "budget_decisions": "t.decisions", "labels": "t.labels"}
TOPIC |= {"commissions": "t.commissions"}


def new_sink(warehouse: Warehouse, flush_rows: int = 100_000) -> BatchingSink:
    routes = {TOPIC[table]: spec for table, spec in TABLES.items()}
    return BatchingSink(warehouse, routes, flush_rows=flush_rows, flush_s=1.0)


def add(
    sink: BatchingSink, table: str, records: Sequence[BaseModel], offset: int, per_message: int = 50
) -> int:
    """Add ``records`` as envelopes of ``per_message`` on partition 0 from ``offset``;
    the next free offset."""
    if table == "payments":  # as on payments-by-order
        records = [OrderOrPayment(payment=p) for p in records]  # type: ignore[arg-type]
    for start in range(0, len(records), per_message):
        chunk = records[start : start + per_message]
        sink.add(TOPIC[table], 0, offset, encode_envelope(chunk), now=0.0)
        offset += 1
    return offset


async def write(warehouse: Warehouse, table: str, records: Sequence[BaseModel]) -> int:
    """Write ``records`` to ``table`` in one flush; the rows written."""
    sink = new_sink(warehouse)
    add(sink, table, records, 0)
    return await sink.flush()
