"""Count impressions, plays, completions, clicks, spend, orders and GMV per campaign and
per creative and minute, and per shop-local day (a creative's activity is on its
campaign's partition).

State is written once per flush interval, as one snapshot per changed campaign on the
campaign-live topic and one per changed creative on the creative-live topic, which the
API reads to answer ``/v1/campaigns/{id}/live`` and ``/v1/creatives/{id}/live``. It
survives restarts and rebalances exactly: checkpointed per partition, with the messages
after the checkpoint replayed (``streams/recovery.py``).
"""

from __future__ import annotations

import time

from faust.types import StreamT

from warroom.app import app
from warroom.schemas.internal import Activity
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.campaign_state import CampaignState
from warroom.streams.codecs import decode_trusted
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes
from warroom.streams.windows import CreativeCounters, MinuteCounters

_s = get_settings()
counters = MinuteCounters()
creatives = CreativeCounters()
state = CampaignState(counters, creatives, _s.partitions)
recovery = Recovery("count_campaigns", state)
follow_partitions(app, topics.campaign_activity, recovery)


@app.agent(topics.campaign_activity)
async def count_campaigns(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        now = time.time()
        for raw in await admitted(recovery, batch):
            for activity in decode_trusted(Activity, raw):
                if not state.add(activity, now):
                    stats.count("late.campaign_activity")
        state.fold()
        await recovery.checkpoint(now)


@app.timer(_s.flush_interval_s)
async def publish_campaign_live() -> None:
    snapshots = counters.snapshots(time.time())
    await send_envelopes(topics.campaign_live, snapshots, key=lambda s: s.campaign_id)


@app.timer(_s.flush_interval_s)
async def publish_creative_live() -> None:
    snapshots = creatives.snapshots(time.time())
    await send_envelopes(topics.creative_live, snapshots, key=lambda s: s.campaign_id)
