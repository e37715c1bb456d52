"""Count impressions, plays, completions, clicks, spend, orders and GMV per campaign and
per creative and minute, and per shop-local day (a creative's activity is on its
campaign's partition).

State is written once per flush interval, as one snapshot per changed campaign on the
campaign-live topic and one per changed creative on the creative-live topic, which the
API reads to answer ``/v1/campaigns/{id}/live`` and ``/v1/creatives/{id}/live``.
"""

from __future__ import annotations

import time

from faust.types import StreamT

from warroom.app import app
from warroom.schemas.internal import Activity
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.budget_states import shop_zone
from warroom.streams.codecs import decode_trusted
from warroom.streams.send import send_envelopes
from warroom.streams.windows import CreativeCounters, MinuteCounters

_s = get_settings()
counters = MinuteCounters()
creatives = CreativeCounters()


@app.agent(topics.campaign_activity)
async def count_campaigns(stream: StreamT[bytes]) -> None:
    async for batch in stream.take(_s.batch_max, within=_s.batch_within_s):
        now = time.time()
        for raw in batch:
            for activity in decode_trusted(Activity, raw):
                if not counters.add(activity, now=now):
                    stats.count("late.campaign_activity")
                creatives.add(activity, now=now)
        counters.days.fold(shop_zone)
        creatives.days.fold(shop_zone)


@app.timer(_s.flush_interval_s)
async def publish_campaign_live() -> None:
    snapshots = counters.snapshots(time.time())
    await send_envelopes(topics.campaign_live, snapshots, key=lambda s: s.campaign_id)


@app.timer(_s.flush_interval_s)
async def publish_creative_live() -> None:
    snapshots = creatives.snapshots(time.time())
    await send_envelopes(topics.creative_live, snapshots, key=lambda s: s.campaign_id)
