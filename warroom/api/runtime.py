"""What the API holds while it runs: the ingest producer, the feed and the live view."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from warroom.settings import Settings
from warroom.streams import topics
from warroom.streams.admin import ensure_topics
from warroom.streams.feed import FeedHub
from warroom.streams.live import LiveView
from warroom.streams.producer import IngestProducer
from warroom.streams.tail import TopicTail


@dataclass
class Runtime:
    settings: Settings
    bootstrap: str
    producer: IngestProducer
    feed: FeedHub = field(default_factory=FeedHub)
    live: LiveView = field(default_factory=LiveView)


@asynccontextmanager
async def running(settings: Settings, bootstrap: str) -> AsyncIterator[Runtime]:
    """Create the topics, start the producer and the tails; stop them all on exit."""
    await asyncio.to_thread(ensure_topics, bootstrap, topics.all_names(), settings.partitions)
    rt = Runtime(settings, bootstrap, IngestProducer(bootstrap))
    feed_names = [topics.verdicts.get_topic_name(), topics.decisions.get_topic_name()]
    tails = [
        TopicTail(bootstrap, feed_names, rt.feed.publish_envelope, backlog=rt.feed.recent.maxlen),
        TopicTail(
            bootstrap,
            [topics.campaign_live.get_topic_name()],
            rt.live.publish_envelope,
            backlog=None,
        ),
    ]
    await rt.producer.start()
    started: list[TopicTail] = []
    try:
        for tail in tails:
            await tail.start()
            started.append(tail)
        yield rt
    finally:
        for tail in started:
            await tail.stop()
        await rt.producer.stop()
