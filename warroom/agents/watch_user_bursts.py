"""Keep a sliding log of orders per user and judge each order with the same-user burst rule."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from faust.types import StreamT

from warroom.app import app
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.bursts import BurstWatch
from warroom.streams.codecs import decode_trusted
from warroom.streams.judging import send_verdicts

_s = get_settings()
#: Orders per user; in memory (a restart forgets up to one window, as for IPs).
user_bursts = BurstWatch("user")


@app.agent(topics.orders_by_user)
async def watch_user_bursts(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    async for batch in stream.take(_s.batch_max, within=_s.batch_within_s):
        now = datetime.now(UTC)
        orders = (o for raw in batch for o in decode_trusted(Order, raw))
        await send_verdicts([v for o in orders if (v := user_bursts.judge(o, now))])
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            user_bursts.expire()
            last_expiry = time.monotonic()
