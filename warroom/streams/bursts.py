"""Burst state for one kind of entity (device, user): a sliding log of its orders, and the
judgement of each order with that entity's burst rule."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from warroom.rules.base import Hit
from warroom.rules.risk import entity_burst
from warroom.rules.risk.entity_burst import EntityKind
from warroom.rules.rulebook import rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order
from warroom.streams import stats
from warroom.streams.judging import live_rule, order_verdict
from warroom.streams.shadow import shadow_outbox
from warroom.streams.windows import SlidingLog

#: How late (behind the newest order seen) an order may arrive and still be counted.
LATENESS_S = 300


class BurstWatch:
    """Orders per device (or user) over the rule's window, judged one by one."""

    def __init__(self, kind: EntityKind) -> None:
        self.kind = kind
        self.rule_id = entity_burst.RULE_IDS[kind]
        self.log = SlidingLog(horizon_s=entity_burst.Params().window_s, lateness_s=LATENESS_S)

    def key(self, order: Order) -> str | None:
        return order.device_id if self.kind == "device" else order.user_id

    def judge(self, order: Order, now: datetime) -> Verdict | None:
        rule, key = live_rule(self.rule_id), self.key(order)
        if rule is None or key is None:
            return None
        params = cast(entity_burst.Params, rule.params)
        ts = order.ts.timestamp()
        if self.log.is_late(ts):
            stats.count(f"late.orders.{self.kind}")
        self.log.add(key, ts, order.order_id, now=now.timestamp())

        def judge_with(p: entity_burst.Params) -> Hit | None:
            return entity_burst.entity_burst(
                self.kind, key, ts, self.log.around(key, ts, p.window_s), p
            )

        hit = judge_with(params)
        shadow_outbox.judge(rule, order, judge_with, now)
        return order_verdict(order, [(hit, rule)] if hit else [], now)

    def expire(self) -> None:
        """Forget orders older than the live window (the window may have been retuned)."""
        self.log.horizon_s = max(  # the candidate's window too, while it has one
            cast(entity_burst.Params, v.params).window_s for v in rulebook.running(self.rule_id)
        )
        self.log.expire()
