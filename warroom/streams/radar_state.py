"""What the radar keeps per product: counters in 5-minute event-time buckets, the first
play of its videos, its stock, and the campaigns that sell it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from warroom.rules.radar.metrics import RadarCounts
from warroom.schemas.radar import ProductFlow

BUCKET_S = 300
FIELDS = ("searches", "impressions", "plays", "completions", "orders", "units")
_KIND_FIELD = {"search": "searches", "impression": "impressions", "play": "plays"}


@dataclass
class ProductCounts:
    shop_id: str
    buckets: dict[int, Counter[str]] = field(default_factory=dict)
    first_play: float | None = None
    stock: int | None = None  # at the last stock level, less the units ordered since
    stock_since: float = 0.0
    campaigns: Counter[str] = field(default_factory=Counter)  # orders (and clicks) per campaign
    plays_peak: int = 0
    tags: tuple[str, ...] = ()
    issued: str | None = None  # the key of the last coupon decision sent

    def add(self, flow: ProductFlow) -> None:
        if flow.kind == "stock":
            if flow.ts >= self.stock_since:
                self.stock, self.stock_since = flow.units, flow.ts
            return
        bucket = self.buckets.setdefault(int(flow.ts // BUCKET_S), Counter())
        if flow.kind in _KIND_FIELD:
            bucket[_KIND_FIELD[flow.kind]] += 1
        if flow.kind == "play":
            bucket["completions"] += flow.completed
            self.first_play = min(flow.ts, self.first_play or flow.ts)
        if flow.kind == "order":
            bucket["orders"] += 1
            bucket["units"] += flow.units
            if self.stock is not None and flow.ts >= self.stock_since:
                self.stock -= flow.units
        if flow.campaign_id is not None and flow.kind in ("order", "click"):
            self.campaigns[flow.campaign_id] += 10 if flow.kind == "order" else 1

    def total(self, start: float, end: float) -> Counter[str]:
        out: Counter[str] = Counter()
        for index, bucket in self.buckets.items():
            if start <= index * BUCKET_S < end:
                out.update(bucket)
        return out

    def counts(self, product_id: str, now: float, window_s: int) -> RadarCounts:
        """The current window and the one before it; drops buckets older than both."""
        self.buckets = {
            i: b for i, b in self.buckets.items() if i * BUCKET_S >= now - 2 * window_s - BUCKET_S
        }
        cur, before = (
            self.total(now - window_s, now + 1),
            self.total(now - 2 * window_s, now - window_s),
        )
        self.plays_peak = max(self.plays_peak, cur["plays"])
        return RadarCounts(
            product_id=product_id,
            window_s=window_s,
            searches=cur["searches"],
            searches_before=before["searches"],
            impressions=cur["impressions"],
            plays=cur["plays"],
            completions=cur["completions"],
            orders=cur["orders"],
            units=cur["units"],
            plays_before=before["plays"],
            plays_peak=self.plays_peak,
            video_age_s=None if self.first_play is None else max(now - self.first_play, 0.0),
            stock=self.stock,
        )

    def top_campaign(self) -> str | None:
        """The campaign that sells the product most (orders, then clicks)."""
        return self.campaigns.most_common(1)[0][0] if self.campaigns else None
