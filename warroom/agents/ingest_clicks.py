"""Validate clicks; route them to the campaign counters."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import ingest
from warroom.streams.routing import route_clicks


@app.agent(topics.clicks)
async def ingest_clicks(stream: StreamT[bytes]) -> None:
    await ingest("clicks", stream, route_clicks)
