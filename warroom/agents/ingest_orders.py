"""Validate orders; route them by IP (risk rules), by campaign (counters) and by order id
(payment rules)."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import ingest
from warroom.streams.routing import route_orders


@app.agent(topics.orders)
async def ingest_orders(stream: StreamT[bytes]) -> None:
    await ingest("orders", stream, route_orders)
