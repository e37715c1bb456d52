"""Count orders and refunds per shop and per SKU (sales keyed by shop) and judge each
refund with the refund-spike rule against the usual refund rate."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.risk import refund_spike
from warroom.rules.risk.verdict import refund_verdict_for
from warroom.rules.rulebook import rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.internal import ShopSale
from warroom.settings import get_settings
from warroom.store.warehouse.baselines import load_refund_rates
from warroom.store.warehouse.startup import Startup
from warroom.streams import stats, topics
from warroom.streams.allow_list import allow_list
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.judging import Hits, live_rule, send_verdicts
from warroom.streams.ledger import Recent
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.refunds import SCOPES, RefundTally
from warroom.streams.shop_state import ShopState

_s = get_settings()
tally = RefundTally()
#: Sales counted lately: a redelivered order or refund is counted once.
counted = Recent[bool](horizon_s=2 * 86_400, max_items=2_000_000)
history = Startup("refund rate")


def recount(raw: bytes) -> None:
    """Count a message's sales again, judging none (replays)."""
    for sale in decode_trusted(ShopSale, raw):
        tally.add(sale)


recovery = Recovery("watch_refunds", ShopState(lambda: tally, recount, _s.partitions))
follow_partitions(app, topics.shop_sales, recovery)


@app.task
async def load_refund_history() -> None:
    """On start: each shop's and SKU's usual refund rate from the warehouse's history."""
    rates = await history.load(_s, load_refund_rates)
    if rates is not None:
        tally.history.update(rates)
        stats.count("baselines.refund_rates", len(rates))


def judge(sale: ShopSale, now: datetime) -> Verdict | None:
    if counted.get(sale.id) is None:
        tally.add(sale, now=now.timestamp())
        counted.put(sale.id, sale.ts, True, now=now.timestamp())
    rule = live_rule(refund_spike.RULE_ID)
    if sale.kind != "refund" or rule is None:
        return None
    params = cast(refund_spike.Params, rule.params)
    hits: Hits = []
    for scope, key in zip(SCOPES, (sale.shop_id, sale.sku), strict=True):
        hit = refund_spike.refund_spike(tally.counts(scope, key, sale.ts, params), params)
        if hit is not None:
            hits = [(hit, rule)]  # one signal: a SKU's spike is its shop's (no double score)
            break
    entities = [f"order:{sale.order_id}", f"shop:{sale.shop_id}", f"sku:{sale.sku}"]
    standing = allow_list.standing(hits, entities, now.timestamp())
    return refund_verdict_for(sale, standing, rulebook.current("risk.thresholds"), now)


@app.agent(topics.shop_sales)
async def watch_refunds(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        await history.wait()
        now = datetime.now(UTC)
        values = await admitted(recovery, batch)
        sales = (s for raw in values for s in decode_trusted(ShopSale, raw))
        await send_verdicts([v for s in sales if (v := judge(s, now))])
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            tally.expire()
            counted.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now.timestamp())
