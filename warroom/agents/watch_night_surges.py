"""Count orders per shop and per SKU by minute and judge each night-slot order with the
night-surge rule, in the shop's time zone (orders keyed by shop: its SKUs come along).
On start, the baselines come from the warehouse's orders per hour of the day (without
history, from the stream)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.risk import night_surge
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.store.warehouse.baselines import load_hourly
from warroom.store.warehouse.startup import Startup
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.entities import entities
from warroom.streams.handover import hand_over
from warroom.streams.judging import Hits, decide_orders, live_rule, order_verdict, send_verdicts
from warroom.streams.ledger import Recent
from warroom.streams.night import NightTally, Scope
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.shop_state import ShopState

_s = get_settings()
#: A shop the worker has not heard of is judged in the platform's default zone.
DEFAULT_TZ = "Asia/Shanghai"
#: Orders per shop and SKU by minute; in memory, with the warehouse's baselines.
tally = NightTally()
history = Startup("night-slot")
#: Order ids counted lately: a redelivered order is judged again but counted once.
counted = Recent[bool](horizon_s=3600, max_items=1_000_000)


def shop_zone(shop_id: str) -> str:
    shop = entities.get("shop", shop_id)
    return str((shop or {}).get("time_zone") or DEFAULT_TZ)


def count(order: Order, now: float | None) -> None:
    ts = order.ts.timestamp()
    tally.add("shop", order.shop_id, ts, now=now)
    tally.add("sku", order.sku, ts, now=now, shop=order.shop_id)


def recount(raw: bytes) -> None:
    """Count a message's orders again, judging none (replays)."""
    for order in decode_trusted(Order, raw):
        count(order, None)


recovery = Recovery("watch_night_surges", ShopState(lambda: tally, recount, _s.partitions))
follow_partitions(app, topics.orders_by_shop, recovery)


def judge(order: Order, now: datetime) -> Verdict | None:
    ts = order.ts.timestamp()
    if counted.get(order.order_id) is None:
        count(order, now.timestamp())
        counted.put(order.order_id, ts, True, now=now.timestamp())
    rule = live_rule(night_surge.RULE_ID)
    params = None if rule is None else cast(night_surge.Params, rule.params)
    tz = shop_zone(order.shop_id)
    if rule is None or params is None or night_surge.local_slot(ts, tz, params) is None:
        return None
    hits: Hits = []
    scopes: tuple[tuple[Scope, str], ...] = (("shop", order.shop_id), ("sku", order.sku))
    for scope, key in scopes:
        counts = tally.counts(scope, key, ts, tz, params)
        if (hit := night_surge.night_surge(ts, counts, params)) is not None:
            hits.append((hit, rule))
    return order_verdict(order, hits, now)


@app.task
async def load_night_history() -> None:
    """On start: orders per hour of the day per shop and SKU, from the warehouse."""
    hourly = await history.load(_s, load_hourly)
    if hourly is not None:
        tally.history = hourly
        stats.count("baselines.hourly", len(hourly))


decide = decide_orders(judge)


hand_over(topics.orders_by_shop, recovery, decide, send_verdicts, ready=lambda: not history.pending)


@app.agent(topics.orders_by_shop)
async def watch_night_surges(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        await history.wait()  # the first batch waits for the baselines being loaded
        now = datetime.now(UTC)
        await send_verdicts(decide(await admitted(recovery, batch), now))
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            tally.expire()
            counted.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now.timestamp())
