"""The playbook's events beside the ad traffic: stock levels (each SKU's starting stock,
the allotment set for a flash sale, restocks), product searches, private messages before
orders, and follows after a first purchase with the repurchases some followers make.

Searches follow interest: each impression of a product may bring a search of it, more so
as its flash sale nears (the sale is announced, people look it up) and while it runs. A
flash sale's allotment is what the sale sells in about three minutes at the pace it opens
with, so a 秒单 sells out (or its campaigns are stopped) within its five minutes; every
order counts against the stock (attacks' too), and a click sells nothing once the stock
is gone, until a restock.

Everything here draws from a random generator of its own, so a seed's traffic without
these events (``Traffic(playbook=False)``, as in ``warroom eval``'s risk stream) is what it
was before they existed; with them, a sold-out SKU's refused orders change what follows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from warroom.sim.attacks import Timed
from warroom.sim.calendar import local_minute
from warroom.sim.economics import MEAN_QUANTITY
from warroom.sim.events import Event, Maker, iso
from warroom.sim.platform import SimulatedPlatform
from warroom.sim.world import Campaign, FlashSale, Viewer

#: Searches per impression of an ordinary product.
SEARCH_RATE = 0.001
#: How many times more a flash-sale product is searched at its sale than usually, and
#: how fast that interest builds before the sale and fades after it (seconds).
HEAT, HEAT_UP_S, HEAT_DOWN_S = 20.0, 1200.0, 600.0
#: A flash sale's allotment lasts about this long at the pace the sale opens with.
SELL_OUT_S = 180.0
MIN_ALLOTMENT = 20
#: The allotment is set this long before the sale; the SKU is restocked this long after.
ALLOT_BEFORE_S, RESTOCK_AFTER_S = 300.0, 120.0
#: Starting stock of an ordinary SKU (one of these); restocked below a tenth of it.
STOCKS = (2000, 3000, 5000, 8000)
#: Chance that a click is followed by a private message: before an order, without one.
MESSAGE_BUYER, MESSAGE_BROWSER = 0.25, 0.02
#: Chance that a first purchase in a shop makes a follower, and that a follower buys again.
FOLLOW, REPURCHASE = 0.3, 0.6
#: A follow comes this many seconds after the first purchase.
FOLLOW_DELAY_S = (5.0, 60.0)
#: Most repurchases come in the same live session (the next item, seconds to minutes after
#: the follow), the others hours to weeks later (log-uniform).
IN_SESSION, SESSION_DELAY_S, LATER_DELAY_S = 0.7, (15.0, 120.0), (3600.0, 20 * 86_400.0)
#: The searches of the two hours before a live stream starts, in 5-minute slots, at the
#: pace it starts with (it joins a market already running; the radar compares hours).
HISTORY_S, HISTORY_SLOT_S = 7200, 300


def heat(sales: tuple[FlashSale, ...], sku: str, ts: float) -> float:
    """How much more ``sku`` is searched at ``ts`` than usually (1: no sale near).

    >>> sale = FlashSale("SKU-1", 12 * 60, 5, 0.2, 4.0)
    >>> noon = 1_795_147_200.0  # 2026-11-19 12:00 in Beijing
    >>> heat((sale,), "SKU-1", noon + 60) == 1 + HEAT
    True
    >>> 1 < heat((sale,), "SKU-1", noon - 3600) < heat((sale,), "SKU-1", noon - 600)
    True
    """
    minute, second = local_minute(ts), ts % 60
    warm = 0.0
    for sale in sales:
        if sale.sku != sku:
            continue
        before = ((sale.minute - minute) % 1440) * 60 - second
        after = ((minute - sale.minute - sale.minutes) % 1440) * 60 + second
        if 0 <= (minute - sale.minute) % 1440 < sale.minutes:
            return 1 + HEAT
        warm = max(warm, math.exp(-before / HEAT_UP_S), math.exp(-after / HEAT_DOWN_S))
    return 1 + HEAT * warm


def allotment(camp: Campaign, sale: FlashSale, platform: SimulatedPlatform,
              campaigns: list[Campaign], impressions_per_s: float) -> int:  # fmt: skip
    """Units the sale sells in ``SELL_OUT_S`` at ``impressions_per_s`` (all campaigns), from
    the campaign's hidden truth: its share of the traffic while the sale boosts it, its CTR
    and its conversion during the sale."""
    weights = sum(platform.share(c.campaign_id) for c in campaigns)
    own = platform.share(camp.campaign_id)
    share = own * sale.boost / max(1e-9, weights - own + own * sale.boost)
    conversion = min(0.95, camp.cvr * 1.5)
    units_per_s = impressions_per_s * share * camp.ctr * conversion * MEAN_QUANTITY
    return max(MIN_ALLOTMENT, round(units_per_s * SELL_OUT_S))


@dataclass
class Stock:
    """One SKU's stock as the simulated shop counts it."""

    shop_id: str
    usual: int
    left: int
    flash_until: float | None = None  # the end of the sale whose allotment it holds


@dataclass
class Playbook:
    """Makes the playbook's events for a ``Traffic`` (which calls it and sends them)."""

    seed: int
    sales: tuple[FlashSale, ...]
    history: bool = False  # send the searches of the two hours before the first tick
    rng: random.Random = field(init=False)
    maker: Maker = field(init=False)
    stock: dict[str, Stock] = field(default_factory=dict)
    allotted: set[tuple[str, float]] = field(default_factory=set)
    buyers: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"playbook-{self.seed}")
        self.maker = Maker(self.seed, self.rng, space="pb")

    def level(self, ts: float, sku: str, available: int) -> Event:
        held = self.stock[sku]
        held.left = available
        return {
            "event_id": self.maker.id("stk"), "ts": iso(ts), "shop_id": held.shop_id,
            "sku": sku, "available": available,
        }  # fmt: skip

    def start(
        self, now: float, campaigns: list[Campaign], per_s: dict[str, float],
        out: dict[str, list[Event]],
    ) -> None:  # fmt: skip
        """Every SKU's starting stock, and (``history``) the searches before ``now`` at
        ``per_s`` impressions a second per campaign."""
        for camp in campaigns:
            sku = camp.product.sku
            if sku not in self.stock:
                usual = self.rng.choice(STOCKS)
                self.stock[sku] = Stock(camp.shop_id, usual, usual)
                out["stock"].append(self.level(now, sku, usual))
        for camp in campaigns if self.history else ():
            if not camp.burner:
                out["searches"] += self._history(now, camp, per_s.get(camp.campaign_id, 0.0))

    def _history(self, now: float, camp: Campaign, per_s: float) -> list[Event]:
        events = []
        for ago in range(HISTORY_S, 0, -HISTORY_SLOT_S):
            slot = now - ago
            searched = per_s * HISTORY_SLOT_S * SEARCH_RATE
            expected = searched * heat(self.sales, camp.product.sku, slot)
            for _ in range(int(expected + self.rng.random())):
                ts = slot + self.rng.random() * HISTORY_SLOT_S
                events.append(self.search(ts, camp, None))
        return sorted(events, key=lambda e: str(e["ts"]))

    def restock(self, now: float, out: dict[str, list[Event]]) -> None:
        """A SKU back to its usual stock after its flash sale, or when it runs low."""
        for sku, held in self.stock.items():
            if held.flash_until is not None:
                if now >= held.flash_until + RESTOCK_AFTER_S:
                    held.flash_until = None
                    out["stock"].append(self.level(now, sku, held.usual))
            elif held.left < held.usual // 10:
                out["stock"].append(self.level(now, sku, held.left + held.usual))

    def allot(self, now: float, sale: FlashSale, start: float, units: int) -> Event | None:
        """The sale's allotment, once, from ``ALLOT_BEFORE_S`` before it starts."""
        if (sale.sku, start) in self.allotted or sale.sku not in self.stock:
            return None
        self.allotted.add((sale.sku, start))
        self.stock[sale.sku].flash_until = start + sale.minutes * 60
        return self.level(max(now, start - ALLOT_BEFORE_S), sale.sku, units)

    def in_stock(self, sku: str) -> bool:
        return sku not in self.stock or self.stock[sku].left > 0

    def search(self, ts: float, camp: Campaign, viewer: Viewer | None) -> Event:
        return {
            "event_id": self.maker.id("srch"), "ts": iso(ts), "shop_id": camp.shop_id,
            "product_id": camp.product.sku, "query": camp.product.category,
            "viewer_id": viewer.viewer_id if viewer else None,
        }  # fmt: skip

    def seen(self, ts: float, camp: Campaign, viewer: Viewer, out: dict[str, list[Event]]) -> None:
        """An impression: a search of its product now and then (more near its sale)."""
        if camp.burner:
            return
        if self.rng.random() < SEARCH_RATE * heat(self.sales, camp.product.sku, ts):
            out["searches"].append(self.search(ts, camp, viewer))

    def clicked(
        self, ts: float, camp: Campaign, creative: str, viewer: Viewer, buys: bool,
        out: dict[str, list[Event]],
    ) -> None:  # fmt: skip
        """A click: a private message to the shop now and then, more often before an order."""
        if self.rng.random() < (MESSAGE_BUYER if buys else MESSAGE_BROWSER):
            out["messages"].append({
                "event_id": self.maker.id("msg"), "ts": iso(ts), "shop_id": camp.shop_id,
                "viewer_id": viewer.viewer_id, "campaign_id": camp.campaign_id,
                "creative_id": creative, "product_id": camp.product.sku,
            })  # fmt: skip

    def count(self, order: Event) -> None:
        """Any order, counted off its SKU's stock."""
        if (held := self.stock.get(order["sku"])) is not None:
            held.left -= int(order["quantity"])

    def bought(self, ts: float, camp: Campaign, viewer: Viewer, order: Event) -> list[Timed]:
        """An order from an ad: counted off the stock; a first purchase in the shop may
        bring a follow, and a follower's repurchase (from the shop page, attributed to no
        ad) later."""
        self.count(order)
        if (viewer.viewer_id, camp.shop_id) in self.buyers:
            return []
        self.buyers.add((viewer.viewer_id, camp.shop_id))
        if self.rng.random() >= FOLLOW:
            return []
        at = ts + self.rng.uniform(*FOLLOW_DELAY_S)
        follow = {
            "event_id": self.maker.id("fol"), "ts": iso(at), "user_id": viewer.viewer_id,
            "shop_id": camp.shop_id, "creator_id": camp.creator_id,
        }  # fmt: skip
        if self.rng.random() >= REPURCHASE:
            return [(at, "follows", follow)]
        return [(at, "follows", follow), *self._repurchase(at, camp, viewer)]

    def _repurchase(self, after: float, camp: Campaign, viewer: Viewer) -> list[Timed]:
        if self.rng.random() < IN_SESSION:
            at = after + self.rng.uniform(*SESSION_DELAY_S)
        else:
            lo, hi = LATER_DELAY_S
            at = after + math.exp(self.rng.uniform(math.log(lo), math.log(hi)))
        order = self.maker.order(at, camp, viewer, viewer.ip, camp.product.price)
        order.update(channel="shop", campaign_id=None, creative_id=None)
        paid = at + self.rng.uniform(1.0, 20.0)
        pay = self.maker.payment(paid, order["order_id"], order["amount"], viewer.viewer_id)
        return [(at, "orders", order), (paid, "payments", pay)]
