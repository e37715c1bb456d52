"""The hot-product radar (爆款雷达): count each product's searches, impressions, plays,
orders and stock; once per flush interval publish the rows of the products that moved,
tag the hot ones and issue their coupon (through the actuator, as a ``coupon`` decision).

The counts survive restarts and rebalances (checkpoints + replay, ``streams/recovery.py``).
"""

from __future__ import annotations

import time
from typing import cast

from faust import Stream
from faust.types import StreamT

from warroom.app import app
from warroom.rules.radar import hot_product
from warroom.rules.radar.coupon import coupon_decision
from warroom.rules.radar.metrics import radar_metrics
from warroom.rules.rulebook import rulebook
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.radar import ProductFlow, RadarRow
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.codecs import decode_trusted
from warroom.streams.entities import entities
from warroom.streams.keyed_state import KeyedState
from warroom.streams.radar_state import ProductCounts
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes

_s = get_settings()


def add(raw: bytes) -> list[str]:
    """Count one message; the products it touched."""
    touched = []
    for flow in decode_trusted(ProductFlow, raw):
        counts = products.items.setdefault(flow.product_id, ProductCounts(flow.shop_id))
        counts.add(flow)
        touched.append(flow.product_id)
    return touched


products: KeyedState[ProductCounts] = KeyedState(_s.partitions, add)
recovery = Recovery("track_radar", products)
follow_partitions(app, topics.product_activity, recovery)
_moved: set[str] = set()


def judge(product_id: str, now: float) -> tuple[RadarRow, BudgetDecision | None]:
    rule = rulebook.current(hot_product.RULE_ID)
    params = cast(hot_product.Params, rule.params)
    held = products.items[product_id]
    counts = held.counts(product_id, now, params.window_s)
    metrics = radar_metrics(counts, params.new_video_h)
    hit = hot_product.hot_product(counts, metrics, params) if rule.mode != "off" else None
    decision = None
    campaign = held.top_campaign()
    if hit is not None and campaign is not None:
        shop = str((entities.get("campaign", campaign) or {}).get("shop_id") or held.shop_id)
        decision = coupon_decision(
            hit, product_id, (campaign, shop), (rule.version, rule.mode, params), now
        )
    if decision is not None and decision.key == held.issued:
        decision = None  # sent already (the key holds one a day)
    elif decision is not None:
        held.issued = decision.key
    held.tags = (params.tag,) if hit is not None else ()
    row = RadarRow(
        product_id=product_id,
        shop_id=held.shop_id,
        searches=counts.searches,
        searches_before=counts.searches_before,
        search_growth=metrics.search_growth,
        plays=counts.plays,
        completion_rate=metrics.completion_rate,
        impressions=counts.impressions,
        orders=counts.orders,
        orders_per_mille=metrics.orders_per_mille,
        video_age_h=metrics.video_age_h,
        video_stage=metrics.video_stage,
        stock=counts.stock,
        stock_turnover_days=metrics.stock_turnover_days,
        tags=list(held.tags),
        rule_version=rule.version,
        updated_at=now,
    )
    return row, decision


async def publish(now: float) -> None:
    """The rows of the products that moved, and their new coupons."""
    moved = sorted(p for p in _moved if p in products.items)
    _moved.clear()
    judged = [judge(p, now) for p in moved]
    await send_envelopes(topics.radar_live, [row for row, _ in judged], key=lambda r: r.product_id)
    coupons = [d for _, d in judged if d is not None]
    await send_envelopes(topics.decisions, coupons, key=lambda d: d.shop_id)


@app.agent(topics.product_activity)
async def track_radar(stream: StreamT[bytes]) -> None:
    events = cast(Stream, stream).take_events(_s.batch_max, within=_s.batch_within_s)
    async for batch in events:
        for raw in await admitted(recovery, batch):
            _moved.update(add(raw))
        await recovery.checkpoint(time.time())


@app.timer(_s.flush_interval_s)
async def publish_radar() -> None:
    await publish(time.time())
