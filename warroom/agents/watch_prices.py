"""Keep each SKU's running average unit price and judge each order's price against it;
on start, seed the averages from the warehouse's history (the first order is judged
against it; without history, from the stream)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from faust.types import StreamT

from warroom.app import app
from warroom.settings import get_settings
from warroom.store.warehouse.baselines import load_prices
from warroom.store.warehouse.startup import Startup
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.handover import hand_over
from warroom.streams.judging import decide_orders, send_verdicts
from warroom.streams.price_state import PriceState
from warroom.streams.prices import DECAY, SkuPrices
from warroom.streams.recovery import Recovery, admitted, follow_partitions

_s = get_settings()
#: Average unit price per SKU; in memory, seeded from the warehouse at start.
sku_prices = SkuPrices()
history = Startup("SKU price")
recovery = Recovery("watch_prices", PriceState(lambda: sku_prices, _s.partitions))
follow_partitions(app, topics.orders_by_sku, recovery)


@app.task
async def load_price_history() -> None:
    """On start: each SKU's average unit price over the warehouse's history."""
    prices = await history.load(_s, lambda wh, now: load_prices(wh, now, DECAY))
    if prices is not None:
        sku_prices.use_history(prices)
        stats.count("baselines.sku_prices", len(prices))


decide = decide_orders(lambda o, now: sku_prices.judge(o, now))  # the module's current one


hand_over(topics.orders_by_sku, recovery, decide, send_verdicts, ready=lambda: not history.pending)


@app.agent(topics.orders_by_sku)
async def watch_prices(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        await history.wait()  # the first batch waits for the history being loaded
        now = datetime.now(UTC)
        await send_verdicts(decide(await admitted(recovery, batch), now))
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            sku_prices.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now.timestamp())
