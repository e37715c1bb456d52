"""One batch of an input topic: validate, route the good, dead-letter the bad."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faust.types import EventT, StreamT

from warroom.observability import metrics
from warroom.schemas.decisions import DeadLetter
from warroom.schemas.events import Origin
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.deadletter import Source, reason_key, split
from warroom.streams.send import send_envelopes

#: Where a batch's valid events go: the events, and where each was read (``Origin``).
Router = Callable[[Sequence[Any], Sequence[Origin]], Awaitable[None]]


def events_only(route: Callable[[Sequence[Any]], Awaitable[None]]) -> Router:
    """A router for events whose origins nothing downstream needs."""

    async def routed(events: Sequence[Any], origins: Sequence[Origin]) -> None:
        await route(events)

    return routed


def sources(batch: Sequence[EventT]) -> list[Source]:
    return [Source(e.message.topic, e.message.partition, e.message.offset, e.value) for e in batch]


async def report_dead(kind: str, dead: Sequence[DeadLetter]) -> None:
    """Send dead letters to their topic and count them by reason."""
    for letter in dead:
        stats.count(f"deadletter.{kind}.{reason_key(letter)}")
    metrics.deadletters(kind, map(reason_key, dead))
    await send_envelopes(topics.deadletter, dead, key=lambda d: d.source_topic)


async def ingest_batch(kind: str, batch: Sequence[EventT], route: Router) -> None:
    good, dead, origins = split(kind, sources(batch))
    stats.count(f"events.{kind}.valid", len(good))
    metrics.events_in(topics.INPUTS[kind].get_topic_name(), len(good) + len(dead))
    if dead:
        await report_dead(kind, dead)
    if good:
        await route(good, origins)


async def ingest(kind: str, stream: StreamT[bytes], route: Router) -> None:
    """Consume an input topic batch by batch (events kept for their offsets)."""
    s = get_settings()
    async for batch in batches(stream, s.batch_max, s.batch_within_s):
        await ingest_batch(kind, batch, route)
