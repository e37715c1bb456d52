"""Keep each SKU's running average unit price and judge each order's price against it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from faust.types import StreamT

from warroom.app import app
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.codecs import decode_trusted
from warroom.streams.judging import send_verdicts
from warroom.streams.prices import SkuPrices

_s = get_settings()
#: Average unit price per SKU; in memory (the warehouse seeds it once issue 7 lands).
sku_prices = SkuPrices()


@app.agent(topics.orders_by_sku)
async def watch_prices(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    async for batch in stream.take(_s.batch_max, within=_s.batch_within_s):
        now = datetime.now(UTC)
        orders = (o for raw in batch for o in decode_trusted(Order, raw))
        await send_verdicts([v for o in orders if (v := sku_prices.judge(o, now))])
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            sku_prices.expire()
            last_expiry = time.monotonic()
