"""Count each SKU's stock down from its orders, publish the countdown, and pause the SKU's
campaigns (through the actuator, as budget decisions) before it sells out.

The counts survive restarts and rebalances (checkpoints + replay, ``streams/recovery.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.flash import stock_guard
from warroom.rules.flash.stop import stop_decisions
from warroom.rules.rulebook import rulebook
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.flash import SkuFlow, StockSnapshot
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.entities import entities
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes
from warroom.streams.stock_campaigns import campaigns_of, level_from_store
from warroom.streams.stock_state import StockState

_s = get_settings()
stock = StockState(_s.partitions)
recovery = Recovery("count_stock", stock)
follow_partitions(app, topics.sku_stock, recovery)
#: SKUs whose pace was above zero when last published (republished as it decays).
_moving: set[str] = set()


def judge(sku: str, now: float) -> tuple[StockSnapshot | None, list[BudgetDecision]]:
    """The SKU's countdown and the pauses it calls for (none already made for this level)."""
    rule = rulebook.current(stock_guard.RULE_ID)
    params = cast(stock_guard.Params, rule.params)
    held = stock.skus[sku]
    level_from_store(sku, held, entities)
    count = held.count(sku, now, params.pace_window_s)
    if count is None:
        return None, []
    status = stock_guard.stock_status(count, params)
    running = [c for c in campaigns_of(sku, held, entities) if c.id not in held.stopped]
    decisions = stop_decisions(sku, status, running, (rule.version, rule.mode, params), now)
    held.stopped.update(d.entity_id for d in decisions)
    snapshot = StockSnapshot(
        sku=sku,
        shop_id=held.shop_id,
        available=count.available,
        sold=count.sold,
        remaining=status.remaining,
        pace_per_s=status.pace_per_s,
        seconds_left=status.seconds_left,
        level=status.level,
        explanation=status.explanation,
        campaigns=sorted({c.id for c in campaigns_of(sku, held, entities)}),
        stopped=sorted(held.stopped),
        rule_version=rule.version,
        updated_at=now,
    )
    return snapshot, decisions


async def publish(skus: Iterable[str], now: float) -> None:
    """Judge ``skus`` and send their countdowns and pauses, one envelope per partition."""
    snapshots, decisions = [], []
    for sku in skus:
        snapshot, made = judge(sku, now)
        if snapshot is not None:
            snapshots.append(snapshot)
            (_moving.add if snapshot.pace_per_s > 0 else _moving.discard)(sku)
        decisions.extend(made)
    stats.count("flash.stops", sum(d.result == "proposed" for d in decisions))
    await send_envelopes(topics.stock_live, snapshots, key=lambda s: s.sku)
    await send_envelopes(topics.decisions, decisions, key=lambda d: d.shop_id)


@app.agent(topics.sku_stock)
async def count_stock(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        now = time.time()
        touched: set[str] = set()
        for raw in await admitted(recovery, batch):
            for flow in decode_trusted(SkuFlow, raw):
                if stock.add(flow):
                    touched.add(flow.sku)
        await publish(sorted(touched), now)
        await recovery.checkpoint(now)


@app.timer(_s.flush_interval_s)
async def refresh_stock() -> None:
    """Republish SKUs that were selling, so their pace (and time left) decays to zero."""
    await publish(sorted(s for s in _moving if s in stock.skus), time.time())
