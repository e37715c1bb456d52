"""Validate payments and dead-letter the bad ones."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import events_only, ingest
from warroom.streams.routing import route_payments


@app.agent(topics.payments)
async def ingest_payments(stream: StreamT[bytes]) -> None:
    await ingest("payments", stream, events_only(route_payments))
