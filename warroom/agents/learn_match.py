"""Learn the 人货匹配度 model from the stream: clicks (and creator tallies) from
``match-clicks``, orders from ``orders-by-user`` (co-partitioned by user, so a user's
clicks and orders meet here), refunds for the creators' return rates. Scores are made
when a click comes; outcomes are learned when its attribution window closes
(``publish_models`` resolves them on its timer)."""

from __future__ import annotations

import time

from faust.types import StreamT

from warroom.app import app
from warroom.observability import metrics
from warroom.schemas.events import Order, Refund
from warroom.schemas.models import MatchItem
from warroom.settings import get_settings
from warroom.streams import model_topics, stats, topics
from warroom.streams.batches import value_batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.model_state import match_state

_s = get_settings()


@app.agent(model_topics.match_clicks)
async def learn_match_clicks(stream: StreamT[bytes]) -> None:
    async for batch in value_batches(stream, _s.batch_max, _s.background_within_s):
        learner = match_state.get()
        items = [item for raw in batch for item in decode_trusted(MatchItem, raw)]
        for item in items:
            if item.tally is not None:
                learner.creators.tally(item.tally)
        clicks = (item.click for item in items if item.click is not None)
        scored = learner.on_clicks(clicks, time.time())
        stats.count("models.match.scored", scored)
        metrics.model_predictions("match", scored)


@app.agent(topics.orders_by_user)
async def learn_match_orders(stream: StreamT[bytes]) -> None:
    async for batch in value_batches(stream, _s.batch_max, _s.background_within_s):
        orders = [o for raw in batch for o in decode_trusted(Order, raw)]
        match_state.get().on_orders(orders, time.time())


@app.agent(topics.refunds_by_shop)
async def learn_match_refunds(stream: StreamT[bytes]) -> None:
    async for batch in value_batches(stream, _s.batch_max, _s.background_within_s):
        refunds = [r for raw in batch for r in decode_trusted(Refund, raw)]
        match_state.get().on_refunds(refunds)
