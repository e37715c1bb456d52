"""The order anomaly signal of one worker: each order's features (amount, price against
the SKU's running average, shop-local hour, quantity, orders from its IP and its user in
the last 10 minutes), scored by the anomaly model before the model learns the order,
judged by the ``model.order_anomaly`` rule."""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime
from functools import lru_cache
from typing import cast
from zoneinfo import ZoneInfo

from warroom.models.anomaly import OrderAnomaly, order_features
from warroom.models.registry import spec
from warroom.rules.risk import order_anomaly
from warroom.rules.risk.price_stats import RunningMean
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order
from warroom.schemas.models import ModelReport
from warroom.streams.budget_states import shop_zone
from warroom.streams.judging import live_rule, order_verdict
from warroom.streams.matching import SOURCE

VELOCITY_S = 600.0
MODEL = "order_anomaly@1"
MIN_PRICE_SAMPLES = 5
MAX_KEYS = 500_000


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class Velocity:
    """Event times per key over the last ``VELOCITY_S`` seconds."""

    def __init__(self) -> None:
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def add(self, key: str, ts: float) -> int:
        times = self._times.pop(key, None) or deque()
        times.append(ts)
        while times and times[0] < ts - VELOCITY_S:
            times.popleft()
        self._times[key] = times
        if len(self._times) > MAX_KEYS:
            self._times.popitem(last=False)
        return sum(1 for t in times if ts - VELOCITY_S <= t <= ts)


class OrderAnomalies:
    def __init__(self) -> None:
        self.model: OrderAnomaly = spec(MODEL).build(42)
        self.ips = Velocity()
        self.users = Velocity()
        self.prices: dict[str, RunningMean] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.flagged: OrderedDict[str, float] = OrderedDict()  # order id -> anomaly score
        self.labels: OrderedDict[str, bool] = OrderedDict()  # reviewed hits: fraud?

    def features(self, order: Order) -> dict[str, float]:
        ts = order.ts.timestamp()
        mean = self.prices.get(order.sku)
        ratio = None
        if mean is not None and mean.count >= MIN_PRICE_SAMPLES and mean.mean > 0:
            ratio = float(order.unit_price) / mean.mean
        hour = order.ts.astimezone(zone(shop_zone(order.shop_id))).hour
        return order_features(
            float(order.amount),
            ratio,
            hour,
            order.quantity,
            self.ips.add(order.ip, ts),
            self.users.add(order.user_id, ts),
        )

    def judge(self, order: Order, now: datetime) -> Verdict | None:
        """Score the order, learn it (once: a redelivery is scored again, not learned),
        and the verdict of the rule on it (None: the rule is off or did not fire)."""
        redelivered = order.order_id in self._seen
        x = self.features(order)
        score = self.model.score_one(x)
        rule = live_rule(order_anomaly.RULE_ID)
        hit = None
        if rule is not None:
            params = cast(order_anomaly.Params, rule.params)
            hit = order_anomaly.order_anomaly(
                order.order_id, score, self.model.learned, x, self.model.scaled(x), params
            )
        if not redelivered:
            self._learn(order, x)
        if hit is not None:
            self.flagged[order.order_id] = score
            if len(self.flagged) > MAX_KEYS:
                self.flagged.popitem(last=False)
        return None if rule is None or hit is None else order_verdict(order, [(hit, rule)], now)

    def _learn(self, order: Order, x: dict[str, float]) -> None:
        self.model.learn_one(x)
        mean = self.prices.get(order.sku) or RunningMean(decay=0.999)
        self.prices[order.sku] = mean.add(float(order.unit_price))
        self._seen[order.order_id] = None
        if len(self._seen) > MAX_KEYS:
            self._seen.popitem(last=False)

    def review(self, order_id: str, fraud: bool) -> None:
        """A reviewer's label on an order this rule fired on (the latest label wins)."""
        self.labels.pop(order_id, None)
        self.labels[order_id] = fraud
        if len(self.labels) > MAX_KEYS:
            self.labels.popitem(last=False)

    def precision(self) -> tuple[int, int]:
        """(reviewed, confirmed fraud) among the orders it fired on."""
        return len(self.labels), sum(self.labels.values())

    def report(self, now: float, checkpoint: dict[str, str | None]) -> ModelReport:
        reviewed, confirmed = self.precision()
        return ModelReport(
            key=f"{MODEL}|champion|{self.model.learned}",
            model="order_anomaly",
            version=MODEL,
            role="champion",
            title=spec(MODEL).title,
            examples=self.model.learned,
            learned=self.model.learned,
            flagged=len(self.flagged),
            reviewed=reviewed,
            confirmed=confirmed,
            source=SOURCE,
            updated_at=now,
            **checkpoint,
        )
