"""Attacks and their ground truth: each builder plants the events of one attack (in
simulated time) and returns the record that labels them.

The record lives beside the stream, never inside an event warroom sees. ``over_threshold``
says whether the attack crosses its rule's default threshold as built (a slow IP burst
just under the limit is an attack the rule cannot see).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from warroom.sim.events import Event, Maker, iso
from warroom.sim.world import Campaign, Viewer, World, random_ip

#: (time, topic kind, event) of a planted event.
Timed = tuple[float, str, Event]
#: IP-burst variants: (orders, seconds between orders or None for random in 8 s, over).
BURSTS: dict[str, tuple[tuple[int, int], tuple[float, float] | None, bool]] = {
    "fast": ((7, 12), None, True),
    "slow_over": ((6, 7), (8.0, 10.5), True),  # 6 orders within 40-53 s
    "slow_under": ((8, 10), (12.5, 14.0), False),  # never 6 in any 60 s
}


@dataclass
class Attack:
    """One attack's ground truth."""

    attack_id: str
    kind: str
    variant: str
    start: float
    over_threshold: bool = True
    entities: list[str] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {**asdict(self), "start_ts": iso(self.start)}


class Scene(Protocol):
    """What a builder needs of the traffic it plants into."""

    maker: Maker
    rng: random.Random
    world: World
    sellers: list[Campaign]

    def orders_of(self, sku: str) -> list[Event]: ...


def _buy(
    scene: Scene, attack: Attack, ts: float, camp: Campaign, viewer: Viewer, ip: str, price: float
) -> list[Timed]:
    """An attack order and its payment a few seconds later, labelled."""
    order = unattributed(scene.maker.order(ts, camp, viewer, ip, price), "search")
    pay = scene.maker.payment(ts + 2.0, order["order_id"], order["amount"], viewer.viewer_id)
    attack.order_ids.append(order["order_id"])
    attack.event_ids += [order["event_id"], pay["event_id"]]
    return [(ts, "orders", order), (ts + 2.0, "payments", pay)]


def unattributed(order: Event, channel: str) -> Event:
    """The order as it comes in through search or the shop page, not an ad: attributed to
    no campaign, so it changes no campaign's ROI (bots and group buys skip the ad funnel)."""
    for name in ("campaign_id", "creative_id", "creator_id"):
        del order[name]
    order["channel"] = channel
    return order


def _stranger(scene: Scene) -> Viewer:
    return scene.rng.choice(scene.world.viewers)


def burst_times(rng: random.Random, at: float, variant: str) -> list[float]:
    (lo, hi), gap, _ = BURSTS[variant]
    count = rng.randint(lo, hi)
    if gap is None:
        return sorted(at + rng.uniform(0, 8.0) for _ in range(count))
    step = rng.uniform(*gap)
    return [at + k * step for k in range(count)]


def ip_burst(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """Orders of real products from one fresh IP, by strangers (bot accounts)."""
    attack.over_threshold = BURSTS[attack.variant][2]
    return burst_orders(scene, attack, burst_times(scene.rng, at, attack.variant))


def live_burst(
    scene: Scene, attack: Attack, at: float, orders: tuple[int, int], span_s: float
) -> list[Timed]:
    """A fast burst of ``orders`` (a range) within ``span_s`` (the demo's attacks)."""
    count = scene.rng.randint(*orders)
    return burst_orders(
        scene, attack, sorted(at + scene.rng.uniform(0, span_s) for _ in range(count))
    )


def burst_orders(scene: Scene, attack: Attack, times: list[float]) -> list[Timed]:
    ip = random_ip(scene.rng, first=(39, 117, 175))
    attack.entities.append(f"ip:{ip}")
    out: list[Timed] = []
    for ts in times:
        camp = scene.rng.choice(scene.sellers)
        out += _buy(scene, attack, ts, camp, _stranger(scene), ip, camp.product.price)
    return out


def near_miss(scene: Scene, at: float, span_s: float = 8.0) -> list[Timed]:
    """3-5 orders from one IP within ``span_s``: friends behind one router, not an attack."""
    ip = random_ip(scene.rng, first=(39, 117, 175))
    out: list[Timed] = []
    for _ in range(scene.rng.randint(3, 5)):
        ts, camp = at + scene.rng.uniform(0, span_s), scene.rng.choice(scene.sellers)
        order = scene.maker.order(ts, camp, _stranger(scene), ip, camp.product.price)
        order, user = unattributed(order, "shop"), order["user_id"]
        pay = scene.maker.payment(ts + 2.0, order["order_id"], order["amount"], user)
        out += [(ts, "orders", order), (ts + 2.0, "payments", pay)]
    return out


def busiest(scene: Scene) -> Campaign:
    """The seller whose SKU has sold most so far (its average price is known)."""
    return max(scene.sellers, key=lambda c: len(scene.orders_of(c.product.sku)))


def price_deviation(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """4-8 orders of one SKU at 35-75% below its price (a price bug or coupon abuse)."""
    camp = busiest(scene)
    attack.entities.append(f"sku:{camp.product.sku}")
    out: list[Timed] = []
    for _ in range(scene.rng.randint(4, 8)):
        ts, viewer = at + scene.rng.uniform(0, 300), _stranger(scene)
        price = camp.product.price * (1 - scene.rng.uniform(0.35, 0.75))
        out += _buy(scene, attack, ts, camp, viewer, random_ip(scene.rng), price)
    return out


def night_surge(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """Orders of one SKU in 15 minutes of the night (brushing, 刷单): 60-100, or 8-12 times
    what the shop sold in the 35 minutes before, if more (well above 6× the baseline)."""
    camp = scene.rng.choice(scene.sellers)
    attack.entities += [f"shop:{camp.shop_id}", f"sku:{camp.product.sku}"]
    since = iso(at - 35 * 60)
    usual = sum(
        o["ts"] >= since for c in scene.sellers if c.shop_id == camp.shop_id
        for o in scene.orders_of(c.product.sku)
    )  # fmt: skip
    out: list[Timed] = []
    for _ in range(max(scene.rng.randint(60, 100), int(usual * scene.rng.uniform(8, 12)))):
        ts, viewer = at + scene.rng.uniform(0, 900), _stranger(scene)
        out += _buy(scene, attack, ts, camp, viewer, random_ip(scene.rng), camp.product.price)
    return out


def payment_mismatch(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """3-6 orders paid 5-50% of their amount (a tampered payment callback)."""
    out: list[Timed] = []
    for _ in range(scene.rng.randint(3, 6)):
        ts, camp, viewer = (
            at + scene.rng.uniform(0, 120),
            scene.rng.choice(scene.sellers),
            _stranger(scene),
        )
        order = scene.maker.order(ts, camp, viewer, viewer.ip, camp.product.price)
        paid = f"{float(order['amount']) * scene.rng.uniform(0.05, 0.5):.2f}"
        pay = scene.maker.payment(ts + 3.0, order["order_id"], paid, viewer.viewer_id)
        attack.order_ids.append(order["order_id"])
        attack.event_ids += [order["event_id"], pay["event_id"]]
        out += [(ts, "orders", order), (ts + 3.0, "payments", pay)]
    return out


def unknown_order_payment(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """3-6 payments for orders that never come."""
    out: list[Timed] = []
    for _ in range(scene.rng.randint(3, 6)):
        ts, viewer = at + scene.rng.uniform(0, 120), _stranger(scene)
        order_id = scene.maker.id("o")
        amount = f"{scene.rng.uniform(20, 400):.2f}"
        pay = scene.maker.payment(ts, order_id, amount, viewer.viewer_id)
        attack.order_ids.append(order_id)
        attack.event_ids.append(pay["event_id"])
        out.append((ts, "payments", pay))
    return out


def refund_abuse(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """Refunds on 50-70% of a SKU's recent orders within 30 minutes (a refund-rate spike)."""
    camp = busiest(scene)
    attack.entities += [f"shop:{camp.shop_id}", f"sku:{camp.product.sku}"]
    orders = scene.orders_of(camp.product.sku)[-200:]
    picked = scene.rng.sample(orders, int(len(orders) * scene.rng.uniform(0.5, 0.7)))
    out: list[Timed] = []
    for order in picked:
        ts = at + scene.rng.uniform(0, 1800)
        refund = scene.maker.refund(ts, order, "not_received")
        attack.order_ids.append(order["order_id"])
        attack.event_ids.append(refund["event_id"])
        out.append((ts, "refunds", refund))
    return out


def click_fraud(scene: Scene, attack: Attack, at: float) -> list[Timed]:
    """400-800 clicks on one creative in 10 minutes from a few bot viewers, no orders."""
    camp = scene.rng.choice(scene.sellers)
    creative = scene.rng.choice(camp.creatives)
    bots = [_stranger(scene) for _ in range(scene.rng.randint(3, 8))]
    attack.entities += [f"creative:{creative}", f"campaign:{camp.campaign_id}"]
    out: list[Timed] = []
    for _ in range(scene.rng.randint(400, 800)):
        ts = at + scene.rng.uniform(0, 600)
        event = scene.maker.click(ts, camp, creative, scene.rng.choice(bots), "click", 0.0)
        attack.event_ids.append(event["event_id"])
        out.append((ts, "clicks", event))
    return out


BUILDERS = {
    "ip_burst": ip_burst,
    "price_deviation": price_deviation,
    "night_surge": night_surge,
    "payment_mismatch": payment_mismatch,
    "unknown_order_payment": unknown_order_payment,
    "refund_abuse": refund_abuse,
    "click_fraud": click_fraud,
}
KINDS = tuple(BUILDERS)


def plant(scene: Scene, kind: str, variant: str, at: float) -> tuple[Attack, list[Timed]]:
    """The events of one attack of ``kind`` starting at ``at``, and its record."""
    attack = Attack(scene.maker.id("a"), kind, variant, at)
    events = BUILDERS[kind](scene, attack, at)
    if events:
        attack.start = min(ts for ts, _, _ in events)
    return attack, events
