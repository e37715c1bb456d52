"""Validate product searches and dead-letter the bad ones."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import events_only, ingest
from warroom.streams.playbook_routing import route_searches


@app.agent(topics.searches)
async def ingest_searches(stream: StreamT[bytes]) -> None:
    await ingest("searches", stream, events_only(route_searches))
