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
from typing import Any, cast

from faust import Stream
from faust.types import TP, StreamT

from warroom.app import app
from warroom.schemas.internal import Activity
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.campaign_state import CampaignState
from warroom.streams.codecs import decode_trusted
from warroom.streams.recovery import Recovery
from warroom.streams.send import send_envelopes
from warroom.streams.windows import CreativeCounters, MinuteCounters

_s = get_settings()
counters = MinuteCounters()
creatives = CreativeCounters()
state = CampaignState(counters, creatives, _s.partitions)
recovery = Recovery(
    "count_campaigns",
    state,
    lambda: get_settings().kafka_bootstrap or "127.0.0.1:9092",
    _s.checkpoint_interval_s,
)


@app.agent(topics.campaign_activity)
async def count_campaigns(stream: StreamT[bytes]) -> None:
    events = cast(Stream, stream).take_events(_s.batch_max, within=_s.batch_within_s)
    async for batch in events:
        now = time.time()
        for event in batch:
            m = event.message
            if not await recovery.admit(m.topic, m.partition, m.offset):
                continue
            for activity in decode_trusted(Activity, event.value):
                if not state.add(activity, now):
                    stats.count("late.campaign_activity")
        state.fold()
        await recovery.checkpoint(now)


@app.on_partitions_revoked.connect  # type: ignore[arg-type]  # mode's stub wants signal=
async def checkpoint_revoked(sender: Any, revoked: set[TP], **_: Any) -> None:
    """Save and forget the revoked partitions of the activity topic."""
    name = topics.campaign_activity.get_topic_name()
    await recovery.revoke([tp.partition for tp in revoked if tp.topic == name], time.time())


@app.on_partitions_assigned.connect  # type: ignore[arg-type]  # mode's stub wants signal=
async def restore_assigned(sender: Any, assigned: set[TP], **_: Any) -> None:
    """Restore the assigned partitions of the activity topic before their messages come."""
    name = topics.campaign_activity.get_topic_name()
    await recovery.assign(name, [tp.partition for tp in assigned if tp.topic == name])


@app.timer(_s.flush_interval_s)
async def publish_campaign_live() -> None:
    snapshots = counters.snapshots(time.time())
    await send_envelopes(topics.campaign_live, snapshots, key=lambda s: s.campaign_id)


@app.timer(_s.flush_interval_s)
async def publish_creative_live() -> None:
    snapshots = creatives.snapshots(time.time())
    await send_envelopes(topics.creative_live, snapshots, key=lambda s: s.campaign_id)
