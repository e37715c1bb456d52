"""Validate private messages and dead-letter the bad ones."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.streams import topics
from warroom.streams.ingest import events_only, ingest
from warroom.streams.playbook_routing import route_messages


@app.agent(topics.messages)
async def ingest_messages(stream: StreamT[bytes]) -> None:
    await ingest("messages", stream, events_only(route_messages))
