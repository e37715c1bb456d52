"""What the learner counts per creator for the trust score: interactions (from the
ingest tallies), clickers and repeat clickers, orders, repeat orders within 48 hours,
orders by city, refunds; and the rates the trust formula takes, from counters summed
over workers."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from warroom.models.trust import TrustParams
from warroom.schemas.models import CreatorCounters, CreatorTally

REPURCHASE_S = 48 * 3600


@dataclass
class Counts:
    impressions: int = 0
    plays: int = 0
    clicks: int = 0
    clickers: int = 0
    repeat_clickers: int = 0
    orders: int = 0
    repeat_orders_48h: int = 0
    refunds: int = 0
    refund_events: int = 0
    cities: dict[str, int] = field(default_factory=dict)


class CreatorStats:
    def __init__(self, max_pairs: int = 500_000) -> None:
        self.max_pairs = max_pairs
        self.counts: dict[str, Counts] = {}
        self.refund_events = 0
        self._clicks: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._last_order: OrderedDict[tuple[str, str], float] = OrderedDict()

    def _of(self, creator: str) -> Counts:
        return self.counts.setdefault(creator, Counts())

    def tally(self, t: CreatorTally) -> None:
        c = self._of(t.creator_id)
        c.impressions += t.impressions
        c.plays += t.plays
        c.clicks += t.clicks

    def click(self, creator: str, user: str) -> None:
        key = (creator, user)
        seen = self._clicks.pop(key, 0)
        self._clicks[key] = seen + 1
        c = self._of(creator)
        c.clickers += seen == 0
        c.repeat_clickers += seen == 1  # a clicker becomes a repeat clicker once
        if len(self._clicks) > self.max_pairs:
            self._clicks.popitem(last=False)

    def order(self, creator: str, user: str, ts: float, city: str | None) -> None:
        key = (creator, user)
        last = self._last_order.pop(key, None)
        self._last_order[key] = ts if last is None else max(ts, last)
        c = self._of(creator)
        c.orders += 1
        c.repeat_orders_48h += last is not None and 0 <= ts - last <= REPURCHASE_S
        if city:
            c.cities[city] = c.cities.get(city, 0) + 1
        if len(self._last_order) > self.max_pairs:
            self._last_order.popitem(last=False)

    def refund(self, creator: str | None) -> None:
        self.refund_events += 1
        if creator is not None:
            self._of(creator).refunds += 1

    def records(self, source: str, now: float) -> list[CreatorCounters]:
        return [
            CreatorCounters(
                creator_id=creator,
                impressions=c.impressions,
                plays=c.plays,
                clicks=c.clicks,
                clickers=c.clickers,
                repeat_clickers=c.repeat_clickers,
                orders=c.orders,
                repeat_orders_48h=c.repeat_orders_48h,
                refunds=c.refunds,
                refund_events=self.refund_events,
                cities=dict(c.cities),
                source=source,
                updated_at=now,
            )
            for creator, c in self.counts.items()
        ]


def summed(parts: list[CreatorCounters]) -> Counts:
    """Counters of one creator from several workers, added up (``refunds`` of the
    creator; ``refund_events``: every refund the workers saw)."""
    total = Counts()
    for p in parts:
        for name in (
            "impressions",
            "plays",
            "clicks",
            "clickers",
            "repeat_clickers",
            "orders",
            "repeat_orders_48h",
            "refunds",
            "refund_events",
        ):
            setattr(total, name, getattr(total, name) + getattr(p, name))
        for city, n in p.cities.items():
            total.cities[city] = total.cities.get(city, 0) + n
    return total


def _order_rates(
    n: Counts, home_city: str | None, p: TrustParams
) -> tuple[dict[str, float], dict[str, str]]:
    if n.orders < p.min_orders:
        why = f"fewer than {p.min_orders} orders"
        return {}, {"returns": why, "repurchase_48h": why, "same_city": why}
    rates = {"repurchase_48h": n.repeat_orders_48h / n.orders}
    missing = {}
    if n.refund_events == 0:
        missing["returns"] = "no refund events received yet"
    else:
        rates["returns"] = min(n.refunds / n.orders, 1.0)
    placed = sum(n.cities.values())
    if home_city is None:
        missing["same_city"] = "the creator has no home_city"
    elif placed < p.min_orders:
        missing["same_city"] = f"fewer than {p.min_orders} orders with a city"
    else:
        rates["same_city"] = n.cities.get(home_city, 0) / placed
    return rates, missing


def trust_rates(
    n: Counts, home_city: str | None, p: TrustParams
) -> tuple[dict[str, float], dict[str, str]]:
    """The trust formula's rates from summed counters, and why the others are missing."""
    rates, missing = _order_rates(n, home_city, p)
    if n.impressions >= p.min_impressions:
        rates["interaction"] = (n.plays + n.clicks) / n.impressions
    else:
        missing["interaction"] = f"fewer than {p.min_impressions} impressions"
    if n.clickers >= p.min_clickers:
        rates["fan_penetration"] = n.repeat_clickers / n.clickers
    else:
        missing["fan_penetration"] = f"fewer than {p.min_clickers} clickers"
    return rates, missing
