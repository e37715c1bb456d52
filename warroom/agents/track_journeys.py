"""Follow each viewer's journey (view → click → private message → order, follow) and
publish, once per flush interval, the retargeting audiences (再营销), the conversion
funnels per creative and segment, and the public-to-private loop (T0 / T30) per shop and
creator. The state survives restarts and rebalances (checkpoints + replay)."""

from __future__ import annotations

import time
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.journeys import fan_loop, retargeting
from warroom.rules.rulebook import rulebook
from warroom.schemas.journeys import AudienceMember, FunnelCount, Journey, LoopCount
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.journey_news import counts, matured, ordered
from warroom.streams.journey_state import JourneyState
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes

_s = get_settings()
journeys = JourneyState(_s.partitions)
recovery = Recovery("track_journeys", journeys)
follow_partitions(app, topics.viewer_journeys, recovery)
News = AudienceMember | FunnelCount | LoopCount


def params() -> tuple[retargeting.Params, fan_loop.Params]:
    audience = cast(retargeting.Params, rulebook.current(retargeting.RULE_ID).params)
    return audience, cast(fan_loop.Params, rulebook.current(fan_loop.RULE_ID).params)


def add(j: Journey, now: float) -> list[AudienceMember]:
    audience, loop = params()
    viewer = journeys.add(j, loop, audience.window_s)
    if j.kind != "order":
        return []
    return ordered(j.viewer_id, viewer, j.product_id, now)


def key_of(item: News) -> str:
    return item.viewer_id if isinstance(item, AudienceMember) else item.shop_id


async def publish(now: float) -> None:
    """Matured audience members and changed counters of every partition held here."""
    audience, _ = params()
    news: list[News] = []
    for partition, part in sorted(journeys.parts.items()):
        news.extend(matured(part, audience, now))
        news.extend(counts(part, partition, now))
    await send_envelopes(topics.journeys_live, news, key=key_of)


@app.agent(topics.viewer_journeys)
async def track_journeys(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.background_within_s)
    async for batch in events:
        now = time.time()
        left: list[News] = []
        for raw in await admitted(recovery, batch):
            for j in decode_trusted(Journey, raw):
                left.extend(add(j, now))
        await send_envelopes(topics.journeys_live, left, key=key_of)
        await recovery.checkpoint(now)


@app.timer(_s.flush_interval_s)
async def publish_journeys() -> None:
    await publish(time.time())
