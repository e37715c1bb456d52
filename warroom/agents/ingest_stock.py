"""Validate stock levels and dead-letter the bad ones."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import events_only, ingest
from warroom.streams.playbook_routing import route_stock


@app.agent(topics.stock)
async def ingest_stock(stream: StreamT[bytes]) -> None:
    await ingest("stock", stream, events_only(route_stock))
