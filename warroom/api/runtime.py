"""What the API holds while it runs: the ingest producer, the feed and the live views."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from warroom.schemas.abtest import AbTestState
from warroom.schemas.flash import StockSnapshot
from warroom.schemas.internal import CampaignLive, CreativeLive
from warroom.schemas.radar import RadarRow
from warroom.settings import Settings
from warroom.store.db import Store, migrate
from warroom.store.keys import register_token
from warroom.store.rulebook import ensure_builtin, ensure_playbook
from warroom.streams import model_topics, topics
from warroom.streams.feed import FeedHub
from warroom.streams.journey_view import JourneyView
from warroom.streams.latest_view import LatestView, ab_test_view, radar_view, stock_view
from warroom.streams.live import LiveView, campaign_view, creative_view
from warroom.streams.model_view import ModelView
from warroom.streams.producer import IngestProducer
from warroom.streams.recovery import log_bounds
from warroom.streams.relay import OutboxRelay
from warroom.streams.shadow_tally import ShadowTally
from warroom.streams.tail import Route, TopicTail, restart_tails
from warroom.streams.watchdog import BrokerWatch, GuardedProducer


@dataclass
class Runtime:
    settings: Settings
    bootstrap: str
    producer: IngestProducer
    store: Store
    relay: OutboxRelay
    feed: FeedHub = field(default_factory=FeedHub)
    live: LiveView[CampaignLive] = field(default_factory=campaign_view)
    creative_live: LiveView[CreativeLive] = field(default_factory=creative_view)
    shadow: ShadowTally = field(default_factory=ShadowTally)
    models: ModelView = field(default_factory=ModelView)
    stock: LatestView[StockSnapshot] = field(default_factory=stock_view)
    radar: LatestView[RadarRow] = field(default_factory=radar_view)
    journeys: JourneyView = field(default_factory=JourneyView)
    ab_tests: LatestView[AbTestState] = field(default_factory=ab_test_view)


def open_store(settings: Settings) -> Store:
    """Migrate the SQL store, seed the built-in rules, register the operator's admin key."""
    url = settings.sql_url_or_default()
    migrate(url)
    store = Store(url)
    with store.session() as session:
        ensure_builtin(session, topics.control.get_topic_name())
        ensure_playbook(session, topics.control.get_topic_name())
        if settings.admin_key:
            register_token(session, settings.admin_key, "operator admin key", "admin", "system")
    return store


@asynccontextmanager
async def running(
    settings: Settings, bootstrap: str, shared: BrokerWatch | None = None
) -> AsyncIterator[Runtime]:
    """Migrate the store, create the topics, start the producer, the tails and the broker
    watch (recreates lost topics, restarts the tails on their new logs); stop on exit.
    ``shared``: a watch already running in this process (the worker's, under ``warroom
    serve``) to use instead of starting one: each look costs ~12 ms of CPU a second."""
    store = await asyncio.to_thread(open_store, settings)
    await asyncio.to_thread(topics.ensure_all, bootstrap, settings.partitions)
    control = topics.control.get_topic_name()

    async def reannounce(renewed: list[str]) -> None:
        if control in renewed:  # the broker lost it (tansu): the workers starting from
            await rt.relay.resend_latest(control)  # now on must still learn what it held

    if shared is None:
        watch = BrokerWatch(bootstrap, settings.partitions, [restart_tails, reannounce])
    else:  # its owner restarts every tail of the process already
        watch = shared
        watch.on_new_logs.append(reannounce)
    producer = GuardedProducer(bootstrap, watch)
    rt = Runtime(settings, bootstrap, producer, store, OutboxRelay(store, bootstrap))
    if (await log_bounds(bootstrap, control, 0, 1))[1] == 0:  # a new broker (the embedded
        await rt.relay.resend_latest(control)  # demo's) under a store that has a history
    rt.models.feed = rt.feed.publish
    feed = (rt.feed.publish_envelope, rt.feed.recent.maxlen)
    from_start = None  # every message the topic holds
    # one consumer for every topic the API follows (each consumer fetches 20 times a
    # second, idle or not): the feed, the live views (from the start), the models' latest
    # scores, reports and weights, the playbook's live topics, and the shadow comparisons
    # from the end (the tally counts what this process saw since it started)
    routes: dict[str, Route] = {
        **{
            topic.get_topic_name(): feed
            for topic in (topics.verdicts, topics.decisions, topics.labels)
        },
        topics.campaign_live.get_topic_name(): (rt.live.publish_envelope, from_start),
        topics.creative_live.get_topic_name(): (rt.creative_live.publish_envelope, from_start),
        model_topics.models.get_topic_name(): (rt.models.publish_envelope, 2000),
        topics.stock_live.get_topic_name(): (rt.stock.publish_envelope, from_start),
        topics.radar_live.get_topic_name(): (rt.radar.publish_envelope, from_start),
        topics.journeys_live.get_topic_name(): (rt.journeys.publish_envelope, from_start),
        topics.ab_tests_live.get_topic_name(): (rt.ab_tests.publish_envelope, from_start),
        topics.shadow.get_topic_name(): (rt.shadow.add_envelope, 0),
    }
    tail = TopicTail(bootstrap, routes)
    await rt.producer.start()
    await rt.relay.start()
    started = False
    try:
        await tail.start()
        started = True
        if shared is None:
            await watch.start()
        yield rt
    finally:
        if shared is None:
            await watch.stop()
        elif reannounce in watch.on_new_logs:
            watch.on_new_logs.remove(reannounce)
        if started:
            await tail.stop()
        await rt.relay.stop()
        await rt.producer.stop()
        store.dispose()
