"""Validate refunds and dead-letter the bad ones."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import events_only, ingest
from warroom.streams.routing import route_refunds


@app.agent(topics.refunds)
async def ingest_refunds(stream: StreamT[bytes]) -> None:
    await ingest("refunds", stream, events_only(route_refunds))
