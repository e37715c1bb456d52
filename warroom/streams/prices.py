"""Each SKU's running average unit price, kept from the stream, seeded from history.

The seam for the warehouse is ``Seed``: a function giving a SKU's historical mean and
count, asked once, the first time the SKU is seen. The worker loads it from the
warehouse when it starts (``use_history``); without history the average starts from
the stream alone (and the rule waits for ``min_samples``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import cast

from warroom.rules.base import Hit
from warroom.rules.risk import price_deviation
from warroom.rules.risk.price_stats import RunningMean
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order
from warroom.streams.judging import live_rule, order_verdict
from warroom.streams.ledger import Recent
from warroom.streams.shadow import shadow_outbox

#: Each new price weighs 1 / ~1000 of the average: it follows a price that drifts.
DECAY = 0.999
#: How long (event time) order ids are remembered, so a redelivery is not learned twice.
SEEN_HORIZON_S = 3600
Seed = Callable[[str], RunningMean | None]


def no_history(sku: str) -> RunningMean | None:
    """The seed until the warehouse baselines exist: nothing known."""
    return None


def merged(history: RunningMean, stream: RunningMean) -> RunningMean:
    """One mean of both: weighted by their weights, counting every sample.

    >>> merged(RunningMean.seeded(100.0, 3), RunningMean().add(80.0)).mean
    95.0
    """
    weight = history.weight + stream.weight
    if weight == 0:
        return stream
    mean = (history.mean * history.weight + stream.mean * stream.weight) / weight
    return RunningMean(mean, weight, history.count + stream.count, stream.decay)


class SkuPrices:
    """Per SKU, the average unit price of the orders before; judges each order against it.

    A price that fires the rule is not learned: a run of fraudulent prices must not
    drag the average toward itself. A redelivered order is judged again, learned once.
    """

    def __init__(self, seed: Seed = no_history, max_orders: int = 1_000_000) -> None:
        self.seed = seed
        self._means: dict[str, RunningMean] = {}
        self._seen = Recent[bool](SEEN_HORIZON_S, max_orders)
        self._restored: set[str] = set()  # from a checkpoint: history already merged

    def history(self, sku: str) -> RunningMean:
        mean = self._means.get(sku)
        if mean is None:
            seeded = self.seed(sku)
            mean = RunningMean(decay=DECAY) if seeded is None else seeded
            self._means[sku] = mean
        return mean

    def use_history(self, seed: Seed) -> None:
        """Seed SKUs from ``seed`` from now on; a SKU already averaged from the stream
        (the history came late) keeps its samples, merged with its history's."""
        self.seed = seed
        for sku, mean in list(self._means.items()):
            if sku not in self._restored and (known := seed(sku)) is not None:
                self._means[sku] = merged(known, mean)

    def judge(self, order: Order, now: datetime) -> Verdict | None:
        rule = live_rule(price_deviation.RULE_ID)
        history = self.history(order.sku)
        hit = None
        if rule is not None:

            def judge_with(p: price_deviation.Params) -> Hit | None:
                return price_deviation.price_deviation(order.sku, order.unit_price, history, p)

            hit = judge_with(cast(price_deviation.Params, rule.params))
            shadow_outbox.judge(rule, order, judge_with, now)
        if hit is None and self._seen.get(order.order_id) is None:
            self._means[order.sku] = history.add(float(order.unit_price))
        self._seen.put(order.order_id, order.ts.timestamp(), True, now=now.timestamp())
        return None if rule is None else order_verdict(order, [(hit, rule)] if hit else [], now)

    def learn(self, order: Order, now: float | None = None) -> None:
        """Learn ``order``'s price as ``judge`` would, judging nothing (replays)."""
        rule = live_rule(price_deviation.RULE_ID)
        history = self.history(order.sku)
        if rule is not None:
            params = cast(price_deviation.Params, rule.params)
            if price_deviation.price_deviation(order.sku, order.unit_price, history, params):
                return
        if self._seen.get(order.order_id) is None:
            self._means[order.sku] = history.add(float(order.unit_price))
        self._seen.put(order.order_id, order.ts.timestamp(), True, now=now)

    def skus(self) -> list[str]:
        return list(self._means)

    def export(self, skus: Iterable[str]) -> dict[str, RunningMean]:
        return {sku: self._means[sku] for sku in skus if sku in self._means}

    def restore(self, saved: dict[str, RunningMean]) -> None:
        """Put back checkpointed averages (their history is in them: not merged again)."""
        self._means.update(saved)
        self._restored.update(saved)

    def forget(self, skus: Iterable[str]) -> None:
        for sku in skus:
            self._means.pop(sku, None)

    def expire(self) -> None:
        self._seen.expire()

    def __len__(self) -> int:
        return len(self._means)
