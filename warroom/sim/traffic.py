"""Traffic over time: impressions, plays and clicks, orders, payments and refunds, with
attacks and their ground truth; and the playbook's stock levels, searches, private
messages and follows (``playbook``).

Content is reproducible from the seed (and the ad platform's state); event times are the
times the caller passes in (the wall clock for the demo, simulated time for a saved
stream). Traffic goes where the ad platform (``platform``) runs ads: a paused campaign or
creative gets none, a campaign's share grows with its budget and during its flash sale, a
copied creative's new campaign gets its share from the moment it exists.

Each impression may be played and clicked (the creative's hidden CTR); a click becomes an
order with the campaign's conversion rate times the viewer's affinity for the product
(``profiles``). Payments follow orders by seconds, refunds by minutes. Attacks come from
``plan`` (simulated time), or, without one, alternate IP bursts with near misses every
``attack_every_s`` (the demo). Every attack is in ``attacks``; ``truth`` labels each
attack order. Without a plan (the demo, in real time) the first shop's winner also opens a
flash sale at the first tick, after the searches of the two hours before it: the demo
shows the countdown, the stop and a hot product within its first minutes.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from warroom.sim.attacks import Attack, Timed, live_burst, near_miss, plant
from warroom.sim.calendar import local_midnight, local_minute, sale_on
from warroom.sim.events import Event, Maker, iso
from warroom.sim.platform import SimulatedPlatform
from warroom.sim.playbook import ALLOT_BEFORE_S, Playbook, allotment
from warroom.sim.profiles import affinity
from warroom.sim.world import Campaign, FlashSale, Viewer, World, build_world

__all__ = ["Event", "Planned", "Traffic", "iso"]

#: Share of impressions that are played.
PLAY_RATE = 0.15
#: Events per impression, about (the impression, a play, a click, an order now and then).
EVENTS_PER_IMPRESSION = 1.2
#: Share of orders refunded, by category (apparel comes back most).
REFUND_RATE = {"apparel": 0.12, "beauty": 0.05, "snacks": 0.03, "home": 0.06, "digital": 0.04}
REASONS = ("quality", "not_as_described", "not_received", "changed_mind", "other")
#: A flash sale multiplies a click's chance of becoming an order by this much.
SALE_CONVERSION = 1.5
#: The demo's flash sale (no plan): minutes long, discount, traffic boost.
DEMO_SALE = (5, 0.2, 4.0)


@dataclass(frozen=True, slots=True)
class Planned:
    """An attack (or a ``near_miss``) to start at ``at``."""

    at: float
    kind: str
    variant: str = ""


@dataclass
class Traffic:
    seed: int
    attack_every_s: float = 10.0
    first_attack_s: float = 1.0
    burst_orders: tuple[int, int] = (7, 12)
    burst_span_s: float = 8.0
    platform: SimulatedPlatform = field(default_factory=SimulatedPlatform)
    plan: list[Planned] | None = None
    payment_delay_s: tuple[float, float] = (1.0, 20.0)
    refund_delay_s: tuple[float, float] = (120.0, 3600.0)
    #: Send the playbook's events (stock, searches, messages, follows and the followers'
    #: repurchases); without them a seed's traffic is what it was before they existed.
    playbook: bool = True
    #: Impressions per second the caller asks for at a time (sizes flash-sale allotments;
    #: None: the smallest allotment).
    pace: Callable[[float], float] | None = None
    world: World = field(init=False)
    truth: list[Event] = field(default_factory=list)
    attacks: list[Attack] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.world = build_world(self.rng)
        self.maker = Maker(self.seed, self.rng)
        self.campaigns = list(self.world.campaigns)
        self.sellers = [c for c in self.world.campaigns if not c.burner]
        self._copied = 0
        self._pending: list[tuple[float, int, str, Event]] = []
        self._recent: dict[str, deque[Event]] = defaultdict(lambda: deque(maxlen=500))
        self._next_attack: float | None = None
        self._near_miss = False
        self._planned = 0
        self._pushed = 0
        self.sales = self.world.flash_sales
        self.extra = Playbook(self.seed, self.sales, self.plan is None) if self.playbook else None
        self._started = False

    def orders_of(self, sku: str) -> list[Event]:
        """The SKU's latest organic orders (at most 500)."""
        return list(self._recent[sku])

    def tick(self, now: float, n: int, spread_s: float = 0.0) -> dict[str, list[Event]]:
        """About ``n`` impressions at ``now`` (spread over ``spread_s``), what follows
        them, and the planted events now due."""
        out: dict[str, list[Event]] = defaultdict(list)
        self._add_copies()
        self._schedule(now)
        if self.extra is not None:
            self._stock(self.extra, now, out)
        weights = [self._weight(c, now) for c in self.campaigns]
        for camp in self.rng.choices(self.campaigns, weights, k=n) if any(weights) else []:
            self._impression(now + self.rng.random() * spread_s, camp, out)
        self._release(now + spread_s, out)
        return dict(out)

    def _stock(self, extra: Playbook, now: float, out: dict[str, list[Event]]) -> None:
        """Starting stock first, then flash-sale allotments and restocks as they fall due."""
        if not self._started:
            self._started = True
            if self.plan is None:
                self._open_demo_sale(extra, now)
            pace = self.pace(now) if self.pace else 0.0
            weights = {c.campaign_id: self.platform.share(c.campaign_id) for c in self.campaigns}
            total = sum(weights.values()) or 1.0
            per_s = {k: pace * w / total for k, w in weights.items()}
            extra.start(now, self.campaigns, per_s, out)
        sellers = {c.product.sku: c for c in self.sellers}
        for sale in self.sales:
            start = local_midnight(0, now) + sale.minute * 60
            if start + sale.minutes * 60 <= now:
                start += 86_400
            if now >= start - ALLOT_BEFORE_S and (camp := sellers.get(sale.sku)) is not None:
                pace = self.pace(start) if self.pace else 0.0
                units = allotment(camp, sale, self.platform, self.campaigns, pace)
                if (level := extra.allot(now, sale, start, units)) is not None:
                    out["stock"].append(level)
        extra.restock(now, out)

    def _open_demo_sale(self, extra: Playbook, now: float) -> None:
        """The first shop's winner goes on flash sale now (this minute of the shop's day),
        instead of at the world's hours for it: a sale of the same product an hour before
        would have heated the searches the radar compares this one's with, and the demo's
        hot tag would come or not with the hour it started (none after 13:00 or 21:00)."""
        winner = next(c for c in self.sellers if c.role == "winner")
        sale = FlashSale(winner.product.sku, local_minute(now), *DEMO_SALE)
        others = tuple(s for s in self.sales if s.sku != sale.sku)
        self.sales = extra.sales = (*others, sale)

    def _weight(self, camp: Campaign, now: float) -> float:
        sale = sale_on(self.sales, camp.product.sku, now)
        return self.platform.share(camp.campaign_id) * (sale.boost if sale else 1.0)

    def _add_copies(self) -> None:
        """Campaigns the platform created by copying a creative run like their origin."""
        copies = self.platform.copies[self._copied :]
        self._copied += len(copies)
        origins = {c.campaign_id: c for c in self.world.campaigns}
        for copy in copies:
            if (origin := origins.get(copy.origin)) is not None:
                ctr = origin.ctr_of(copy.copied_from)
                new = replace(
                    origin, campaign_id=copy.campaign_id, creatives=(copy.creative_id,),
                    creative_ctr=(ctr,),
                )  # fmt: skip
                self.campaigns.append(new)

    def viewer(self, camp: Campaign) -> Viewer:
        """A viewer from the campaign's audience (its creator's fans)."""
        pool = self.world.audience(camp.creator_id)
        if not pool:
            return self.rng.choice(self.world.viewers)
        return self.world.viewers[self.rng.choice(pool)]

    def _impression(self, ts: float, camp: Campaign, out: dict[str, list[Event]]) -> None:
        running = [c for c in camp.creatives if self.platform.running("creative", c)]
        if not running:
            return
        creative, viewer = self.rng.choice(running), self.viewer(camp)
        out["clicks"].append(
            self.maker.click(ts, camp, creative, viewer, "impression", camp.cpm / 1000)
        )
        if self.extra is not None:
            self.extra.seen(ts, camp, viewer, out)
        if self.rng.random() < PLAY_RATE:
            out["clicks"].append(self.maker.click(ts, camp, creative, viewer, "play", 0.0))
        if self.rng.random() < camp.ctr_of(creative):
            out["clicks"].append(self.maker.click(ts, camp, creative, viewer, "click", 0.0))
            sale = sale_on(self.sales, camp.product.sku, ts)
            buys = self.rng.random() < self.order_chance(camp, viewer, sale)
            if self.extra is not None:
                self.extra.clicked(ts, camp, creative, viewer, buys, out)
                buys = buys and self.extra.in_stock(camp.product.sku)  # sold out: no order
            if buys:
                self._buy(ts, camp, viewer, creative, sale, out)

    @staticmethod
    def order_chance(camp: Campaign, viewer: Viewer, sale: FlashSale | None = None) -> float:
        """The chance that this viewer's click becomes an order (hidden truth)."""
        p = camp.product
        fit = affinity(viewer.gender, viewer.age_band, viewer.spending_power, viewer.city_tier,
                       p.category, p.price)  # fmt: skip
        boost = SALE_CONVERSION if sale else 1.0
        return min(0.95, camp.cvr * boost * fit / camp.mean_affinity)

    def _buy(
        self, ts: float, camp: Campaign, viewer: Viewer, creative: str,
        sale: FlashSale | None, out: dict[str, list[Event]],
    ) -> None:  # fmt: skip
        price = camp.product.price * (1 - sale.discount) if sale else camp.product.price
        order = self.maker.order(ts, camp, viewer, viewer.ip, price, creative)
        out["orders"].append(order)
        self._recent[camp.product.sku].append(order)
        if self.extra is not None:
            self._push(self.extra.bought(ts, camp, viewer, order))
        paid = ts + self.rng.uniform(*self.payment_delay_s)
        pay = self.maker.payment(paid, order["order_id"], order["amount"], viewer.viewer_id)
        self._push([(paid, "payments", pay)])
        if self.rng.random() < REFUND_RATE.get(camp.product.category, 0.05):
            back = paid + self.rng.uniform(*self.refund_delay_s)
            reason = self.rng.choices(REASONS, (3, 3, 1, 4, 1))[0]
            self._push([(back, "refunds", self.maker.refund(back, order, reason))])

    def _push(self, events: list[Timed]) -> None:
        for ts, kind, event in events:
            self._pushed += 1
            heapq.heappush(self._pending, (ts, self._pushed, kind, event))

    def _release(self, now: float, out: dict[str, list[Event]]) -> None:
        while self._pending and self._pending[0][0] <= now:
            _, _, kind, event = heapq.heappop(self._pending)
            out[kind].append(event)
            if kind == "orders" and self.extra is not None:
                self.extra.count(event)  # attacks and repurchases take stock too

    def _schedule(self, now: float) -> None:
        if self.plan is None:
            self._alternate(now)
            return
        while self._planned < len(self.plan) and self.plan[self._planned].at <= now:
            self._launch(self.plan[self._planned])
            self._planned += 1

    def _alternate(self, now: float) -> None:
        """Alternate fast IP bursts (more than 5 orders in a minute) with near misses."""
        if self._next_attack is None:
            self._next_attack = now + self.first_attack_s
        if now < self._next_attack:
            return
        at, self._next_attack = now, now + self.attack_every_s
        self._near_miss = not self._near_miss
        if not self._near_miss:
            self._push(near_miss(self, at, self.burst_span_s))
            return
        attack = Attack(self.maker.id("a"), "ip_burst", "fast", at)
        events = live_burst(self, attack, at, self.burst_orders, self.burst_span_s)
        self._record(attack, events)

    def _launch(self, planned: Planned) -> None:
        if planned.kind == "near_miss":
            self._push(near_miss(self, planned.at))
            return
        attack, events = plant(self, planned.kind, planned.variant, planned.at)
        self._record(attack, events)

    def _record(self, attack: Attack, events: list[Timed]) -> None:
        if events:
            attack.start = min(ts for ts, _, _ in events)
        self.attacks.append(attack)
        extra = {"ip": attack.entities[0][3:]} if attack.kind == "ip_burst" else {}
        for order_id in attack.order_ids:
            label = {"order_id": order_id, "attack": attack.kind, "variant": attack.variant}
            self.truth.append({**label, "attack_id": attack.attack_id, **extra})
        self._push(events)
