"""Validate orders; route them by IP (risk) and by campaign (counters)."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.ingest import ingest_batch
from warroom.streams.routing import route_orders

_s = get_settings()


@app.agent(topics.orders)
async def ingest_orders(stream: StreamT[bytes]) -> None:
    async for batch in stream.take_events(_s.batch_max, within=_s.batch_within_s):
        await ingest_batch("orders", batch, route_orders)
