"""Workers' side of shadow mode: judge an order with a rule's candidate beside the live
version, keep the comparisons of a batch and send them to the ``shadow`` topic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from warroom.rules.base import Hit, RuleParams
from warroom.rules.risk.shadow import compare
from warroom.rules.rulebook import RuleVersion, rulebook
from warroom.schemas.events import Order
from warroom.schemas.shadow import ShadowComparison
from warroom.streams import stats, topics
from warroom.streams.send import send_envelopes

P = TypeVar("P", bound=RuleParams)


class ShadowOutbox:
    """The comparisons judged since the last send (this process's agents share it)."""

    def __init__(self) -> None:
        self.pending: list[ShadowComparison] = []

    def judge(
        self, live: RuleVersion, order: Order, judge: Callable[[P], Hit | None], now: datetime
    ) -> None:
        """Compare ``live`` with the rule's candidate on ``order``, when it has one."""
        candidate = rulebook.candidate(live.rule_id)
        if candidate is None:
            return
        comparison = compare(judge, live, candidate, order.order_id, order.shop_id, order.ts, now)
        if comparison is not None:
            self.pending.append(comparison)

    async def send(self) -> None:
        """Send the pending comparisons, one envelope per partition (by rule id)."""
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        stats.count("shadow.comparisons", len(batch))
        await send_envelopes(topics.shadow, batch, key=lambda c: c.rule_id)


#: This process's comparisons on their way to the ``shadow`` topic.
shadow_outbox = ShadowOutbox()
