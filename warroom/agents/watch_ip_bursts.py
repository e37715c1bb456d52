"""Keep a sliding log of orders per IP and judge each order with the same-IP burst rule."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.risk import same_ip_burst
from warroom.rules.rulebook import rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.codecs import decode_trusted
from warroom.streams.judging import order_verdict
from warroom.streams.send import send_envelopes
from warroom.streams.windows import SlidingLog

_s = get_settings()
#: Orders per IP; rebuilt from the stream after a restart (issue 5), in memory for now.
ip_log = SlidingLog(horizon_s=same_ip_burst.Params().window_s, lateness_s=300)


def judge(order: Order, now: datetime) -> Verdict | None:
    rule = rulebook.current(same_ip_burst.RULE_ID)
    if rule.mode == "off":
        return None
    params = cast(same_ip_burst.Params, rule.params)
    ts = order.ts.timestamp()
    if ip_log.is_late(ts):
        stats.count("late.orders")
    ip_log.add(order.ip, ts, order.order_id, now=now.timestamp())
    hit = same_ip_burst.same_ip_burst(
        order.ip, ts, ip_log.around(order.ip, ts, params.window_s), params
    )
    return order_verdict(order, [(hit, rule)] if hit else [], now)


@app.agent(topics.orders_by_ip)
async def watch_ip_bursts(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    async for batch in stream.take(_s.batch_max, within=_s.batch_within_s):
        now = datetime.now(UTC)
        verdicts = [v for raw in batch for o in decode_trusted(Order, raw) if (v := judge(o, now))]
        stats.count("verdicts", len(verdicts))
        await send_envelopes(topics.verdicts, verdicts, key=lambda v: v.shop_id)
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            ip_log.horizon_s = cast(
                same_ip_burst.Params, rulebook.current(same_ip_burst.RULE_ID).params
            ).window_s
            ip_log.expire()
            last_expiry = time.monotonic()
