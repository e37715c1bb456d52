"""Traffic over time: ad interactions, orders and payments, with IP-burst attacks.

Content is reproducible from the seed (and the ad platform's state); event times are
the wall-clock times the caller passes in. Every attack order is recorded in ``truth``.
Traffic goes where the ad platform (``platform``) runs ads: a paused campaign or
creative gets none, a campaign's share grows with its budget, a copied creative's new
campaign gets its share from the moment it exists.
"""

from __future__ import annotations

import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from warroom.sim.platform import SimulatedPlatform
from warroom.sim.world import Campaign, Viewer, World, build_world, random_ip

Event = dict[str, Any]

#: Share of base events by kind; each click may turn into an order.
MIX = (("impression", 0.82), ("play", 0.12), ("click", 0.06))


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Burst:
    """Orders from one IP at planned times; an attack when there are more than ``limit``."""

    ip: str
    times: list[float]
    attack: bool


@dataclass
class Traffic:
    seed: int
    attack_every_s: float = 10.0
    first_attack_s: float = 1.0
    burst_orders: tuple[int, int] = (7, 12)
    burst_span_s: float = 8.0
    platform: SimulatedPlatform = field(default_factory=SimulatedPlatform)
    world: World = field(init=False)
    truth: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.world = build_world(self.rng)
        self.campaigns = list(self.world.campaigns)
        self._copied = 0
        self._sellers = [c for c in self.world.campaigns if not c.burner]
        self._seq = 0
        self._bursts: list[Burst] = []
        self._next_attack: float | None = None
        self._near_miss = False

    def _id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}-{self.seed}-{self._seq}"

    def tick(self, now: float, n: int) -> dict[str, list[Event]]:
        """About ``n`` base events at ``now``, plus the burst orders now due."""
        out: dict[str, list[Event]] = defaultdict(list)
        self._add_copies()
        weights = [self.platform.share(c.campaign_id) for c in self.campaigns]
        for camp in self.rng.choices(self.campaigns, weights, k=n) if any(weights) else []:
            self._interaction(now, camp, out)
        self._schedule(now)
        self._due_bursts(now, out)
        return dict(out)

    def _add_copies(self) -> None:
        """Campaigns the platform created by copying a creative run like their origin."""
        copies = self.platform.copies[self._copied :]
        self._copied += len(copies)
        origins = {c.campaign_id: c for c in self.world.campaigns}
        for copy in copies:
            if (origin := origins.get(copy.origin)) is not None:
                new = replace(origin, campaign_id=copy.campaign_id, creatives=(copy.creative_id,))
                self.campaigns.append(new)

    def _interaction(self, now: float, camp: Campaign, out: dict[str, list[Event]]) -> None:
        running = [c for c in camp.creatives if self.platform.running("creative", c)]
        if not running:
            return
        creative = self.rng.choice(running)
        viewer = self.rng.choice(self.world.viewers)
        kind = self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        cost = camp.cpm / 1000 if kind == "impression" else 0.0
        out["clicks"].append(self._click(now, camp, creative, viewer, kind, cost))
        if kind == "click" and self.rng.random() < camp.cvr * 8:
            self._order(now, camp, viewer, viewer.ip, out, creative)

    def _click(
        self, now: float, camp: Campaign, creative: str, viewer: Viewer, kind: str, cost: float
    ) -> Event:
        length = 30.0
        return {
            "event_id": self._id("clk"),
            "ts": iso(now),
            "kind": kind,
            "shop_id": camp.shop_id,
            "campaign_id": camp.campaign_id,
            "creative_id": creative,
            "creator_id": camp.creator_id,
            "product_id": camp.product.sku,
            "viewer": {
                "viewer_id": viewer.viewer_id,
                "gender": viewer.gender,
                "age_band": viewer.age_band,
                "spending_power": viewer.spending_power,
                "city": viewer.city,
                "city_tier": viewer.city_tier,
            },
            "cost": f"{cost:.4f}",
            "video_length_s": length,
            "watch_time_s": self._watched(length) if kind == "play" else None,
        }

    def _watched(self, length: float) -> float:
        """Seconds of a play: about a third watch to the end (完播), the rest drop off."""
        return length if self.rng.random() < 0.3 else round(self.rng.uniform(1, length), 1)

    def _order(
        self,
        now: float,
        camp: Campaign,
        viewer: Viewer,
        ip: str,
        out: dict[str, list[Event]],
        creative: str | None = None,
    ) -> Event:
        qty = self.rng.choice((1, 1, 1, 2, 3))
        price = camp.product.price
        order = {
            "event_id": self._id("ord"),
            "ts": iso(now),
            "order_id": self._id("o"),
            "user_id": viewer.viewer_id,
            "ip": ip,
            "device_id": viewer.device_id,
            "shop_id": camp.shop_id,
            "sku": camp.product.sku,
            "quantity": qty,
            "unit_price": f"{price:.2f}",
            "amount": f"{price * qty:.2f}",
            "campaign_id": camp.campaign_id,
            "creative_id": creative or self.rng.choice(camp.creatives),
            "creator_id": camp.creator_id,
            "channel": "live",
            "city": viewer.city,
        }
        out["orders"].append(order)
        out["payments"].append(
            {
                "event_id": self._id("pay"),
                "ts": iso(now),
                "payment_id": self._id("p"),
                "order_id": order["order_id"],
                "amount": order["amount"],
                "method": self.rng.choice(("alipay", "wechat", "card")),
                "status": "success",
                "card_hash": f"h{zlib.crc32(viewer.viewer_id.encode()):08x}",
            }
        )
        return order

    def _schedule(self, now: float) -> None:
        """Alternate attacks (more than 5 orders in a minute) with near misses (5 or fewer)."""
        if self._next_attack is None:
            self._next_attack = now + self.first_attack_s
        if now < self._next_attack:
            return
        self._next_attack = now + self.attack_every_s
        attack = not self._near_miss
        self._near_miss = not self._near_miss
        count = self.rng.randint(*self.burst_orders) if attack else self.rng.randint(3, 5)
        times = sorted(now + self.rng.uniform(0, self.burst_span_s) for _ in range(count))
        self._bursts.append(Burst(random_ip(self.rng, first=(39, 117, 175)), times, attack))

    def _due_bursts(self, now: float, out: dict[str, list[Event]]) -> None:
        for burst in self._bursts:
            while burst.times and burst.times[0] <= now:
                when = burst.times.pop(0)
                camp = self.rng.choice(self._sellers)  # attacks buy real products
                viewer = self.rng.choice(self.world.viewers)
                order = self._order(when, camp, viewer, burst.ip, out)
                if burst.attack:
                    self.truth.append(
                        {"order_id": order["order_id"], "attack": "ip_burst", "ip": burst.ip}
                    )
        self._bursts = [b for b in self._bursts if b.times]
