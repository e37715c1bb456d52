"""Validate follows and dead-letter the bad ones."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import events_only, ingest
from warroom.streams.playbook_routing import route_follows


@app.agent(topics.follows)
async def ingest_follows(stream: StreamT[bytes]) -> None:
    await ingest("follows", stream, events_only(route_follows))
