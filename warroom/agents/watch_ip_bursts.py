"""Keep a sliding log of orders per IP and judge each order with the same-IP burst rule.

The log survives restarts and rebalances (checkpoints + replay, ``streams/recovery.py``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.base import Hit
from warroom.rules.risk import same_ip_burst
from warroom.rules.rulebook import rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.handover import hand_over
from warroom.streams.judging import decide_orders, order_verdict, send_verdicts
from warroom.streams.log_state import LogState, order_entries
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.shadow import shadow_outbox
from warroom.streams.windows import SlidingLog

_s = get_settings()
#: Orders per IP.
ip_log = SlidingLog(horizon_s=same_ip_burst.Params().window_s, lateness_s=300)
recovery = Recovery(
    "watch_ip_bursts", LogState(lambda: ip_log, order_entries(lambda o: o.ip), _s.partitions)
)
follow_partitions(app, topics.orders_by_ip, recovery)


def judge(order: Order, now: datetime) -> Verdict | None:
    rule = rulebook.current(same_ip_burst.RULE_ID)
    if rule.mode == "off":
        return None
    params = cast(same_ip_burst.Params, rule.params)
    ts = order.ts.timestamp()
    if ip_log.is_late(ts):
        stats.count("late.orders")
    ip_log.add(order.ip, ts, order.order_id, now=now.timestamp())

    def judge_with(p: same_ip_burst.Params) -> Hit | None:
        return same_ip_burst.same_ip_burst(order.ip, ts, ip_log.around(order.ip, ts, p.window_s), p)

    hit = judge_with(params)
    shadow_outbox.judge(rule, order, judge_with, now)
    return order_verdict(order, [(hit, rule)] if hit else [], now)


decide = decide_orders(judge)


hand_over(topics.orders_by_ip, recovery, decide, send_verdicts)


@app.agent(topics.orders_by_ip)
async def watch_ip_bursts(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        now = datetime.now(UTC)
        await send_verdicts(decide(await admitted(recovery, batch), now))
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            ip_log.horizon_s = max(  # the candidate's window too, while it has one
                cast(same_ip_burst.Params, v.params).window_s
                for v in rulebook.running(same_ip_burst.RULE_ID)
            )
            ip_log.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now.timestamp())
