"""Validate clicks; route them to the campaign counters."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.ingest import ingest_batch
from warroom.streams.routing import route_clicks

_s = get_settings()


@app.agent(topics.clicks)
async def ingest_clicks(stream: StreamT[bytes]) -> None:
    async for batch in stream.take_events(_s.batch_max, within=_s.batch_within_s):
        await ingest_batch("clicks", batch, route_clicks)
