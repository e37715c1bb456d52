"""The hot-product radar (爆款雷达): count each product's searches, impressions, plays,
orders and stock; once per flush interval publish the rows of the products that moved,
tag the hot ones and issue their coupon (through the actuator, as a ``coupon`` decision).

The counts survive restarts and rebalances (checkpoints + replay, ``streams/recovery.py``).
"""

from __future__ import annotations

import time
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.base import Hit
from warroom.rules.radar import hot_product
from warroom.rules.radar.coupon import coupon_decision
from warroom.rules.radar.metrics import RadarCounts, RadarMetrics, radar_metrics
from warroom.rules.rulebook import RuleVersion, rulebook
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.radar import ProductFlow, RadarRow
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.batches import batches
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


def new_coupon(
    product_id: str, held: ProductCounts, hit: Hit, rule: RuleVersion, now: float
) -> BudgetDecision | None:
    """The product's coupon on the campaign selling it most, unless it went out already."""
    campaign = held.top_campaign()
    if campaign is None:
        return None
    shop = str((entities.get("campaign", campaign) or {}).get("shop_id") or held.shop_id)
    params = cast(hot_product.Params, rule.params)
    decision = coupon_decision(
        hit, product_id, (campaign, shop), (rule.version, rule.mode, params), now
    )
    if decision is None or decision.key == held.issued:
        return None  # off, or sent already (the key holds one a day)
    held.issued = decision.key
    return decision


def row_of(
    product_id: str, held: ProductCounts, c: RadarCounts, m: RadarMetrics, stamp: tuple[int, float]
) -> RadarRow:
    """The table row; ``stamp``: the rule version and when."""
    return RadarRow(
        product_id=product_id,
        shop_id=held.shop_id,
        searches=c.searches,
        searches_before=c.searches_before,
        search_growth=m.search_growth,
        plays=c.plays,
        completion_rate=m.completion_rate,
        impressions=c.impressions,
        orders=c.orders,
        orders_per_mille=m.orders_per_mille,
        video_age_h=m.video_age_h,
        video_stage=m.video_stage,
        stock=c.stock,
        stock_turnover_days=m.stock_turnover_days,
        tags=list(held.tags),
        rule_version=stamp[0],
        updated_at=stamp[1],
    )


def judge(product_id: str, now: float) -> tuple[RadarRow, BudgetDecision | None]:
    """The product's radar row, and its coupon when it is newly hot."""
    rule = rulebook.current(hot_product.RULE_ID)
    params = cast(hot_product.Params, rule.params)
    held = products.items[product_id]
    counts = held.counts(product_id, now, params.window_s)
    metrics = radar_metrics(counts, params.new_video_h)
    hit = hot_product.hot_product(counts, metrics, params) if rule.mode != "off" else None
    held.tags = (params.tag,) if hit is not None else ()
    decision = None if hit is None else new_coupon(product_id, held, hit, rule, now)
    return row_of(product_id, held, counts, metrics, (rule.version, now)), decision


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
    events = batches(stream, _s.batch_max, _s.background_within_s)
    async for batch in events:
        for raw in await admitted(recovery, batch):
            _moved.update(add(raw))
        await recovery.checkpoint(time.time())


@app.timer(_s.flush_interval_s)
async def publish_radar() -> None:
    await publish(time.time())
