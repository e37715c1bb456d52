"""A reproducible little market: shops, products with price histories, creators with fan
profiles, campaigns and creatives with hidden economics, viewers with profiles, and the
flash sales (秒单) the shops announce.

Each shop runs a winner (true ROI 3-5, a cheap product), a steady campaign (ROI 1.2-2.5),
a loser (ROI 0.5-0.95) and a money burner (expensive impressions, no orders: ROI 0). A
campaign's conversion rate is derived from its true ROI, CPM, CTR and order value, so the
ROI is what the traffic really yields (``economics``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from warroom.sim.economics import MEAN_QUANTITY, conversion_rate, roi_of
from warroom.sim.profiles import AGE_BANDS, CATEGORIES, FanProfile, affinity

CITIES = (("上海", 1), ("杭州", 2), ("成都", 2), ("临沂", 3), ("赣州", 4))
#: (role, true ROI range, price range) of a shop's campaigns, in order.
ROLES = (
    ("winner", (3.0, 5.0), (19.9, 49.9)),
    ("steady", (1.2, 2.5), (39.0, 159.0)),
    ("loser", (0.5, 0.95), (59.0, 299.0)),
)
#: The ROI every buyer aims at (the playbook scales at 1.2× it).
TARGET_ROI = 2.0
#: Viewers drawn into each creator's audience pool.
AUDIENCE = 1500


@dataclass(frozen=True)
class Product:
    sku: str
    shop_id: str
    category: str
    price: float  # today's list price
    history: tuple[tuple[int, float], ...] = ()  # (days ago, list price), oldest first


@dataclass(frozen=True)
class Creator:
    creator_id: str
    fans: FanProfile


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    shop_id: str
    creatives: tuple[str, ...]
    product: Product
    creator_id: str
    cpm: float  # cost per thousand impressions, CNY
    ctr: float  # hidden truth: clicks per impression (the campaign's mean over creatives)
    cvr: float  # hidden truth: orders per click, over the campaign's audience
    burner: bool = False  # hidden truth: spends fast and never sells (true ROI 0)
    creative_ctr: tuple[float, ...] = ()  # hidden: each creative's CTR
    mean_affinity: float = 1.0  # the audience's mean purchase affinity for the product
    role: str = "burner"

    @property
    def true_roi(self) -> float:
        """GMV per CNY spent that this campaign's traffic yields in expectation."""
        return roi_of(self.ctr, self.cvr, self.product.price * MEAN_QUANTITY, self.cpm)

    @property
    def target_roi(self) -> float:
        """The buyer's target: list price 2.5× cost leaves room for a ROI of 2."""
        return TARGET_ROI

    @property
    def target_cpa(self) -> float:
        """The buyer's target cost per order: order value over the target ROI."""
        return round(self.product.price * MEAN_QUANTITY / TARGET_ROI, 2)

    def ctr_of(self, creative_id: str) -> float:
        if creative_id in self.creatives and self.creative_ctr:
            return self.creative_ctr[self.creatives.index(creative_id)]
        return self.ctr


@dataclass(frozen=True)
class Viewer:
    viewer_id: str
    gender: str
    age_band: str
    spending_power: int
    city: str
    city_tier: int
    ip: str
    device_id: str


@dataclass(frozen=True)
class FlashSale:
    """An announced 秒单: at ``minute`` of the shop's day, ``minutes`` long."""

    sku: str
    minute: int
    minutes: int
    discount: float  # off the list price
    boost: float  # traffic and conversion multiplier while it runs


#: A shop's live sessions (直播), as (first, last + 1) minutes of its day, by shop index.
SESSIONS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((19 * 60, 23 * 60),),
    ((12 * 60, 14 * 60), (20 * 60, 22 * 60)),
    ((20 * 60, 24 * 60),),
)


@dataclass(frozen=True)
class World:
    campaigns: tuple[Campaign, ...]
    viewers: tuple[Viewer, ...]
    creators: tuple[Creator, ...] = ()
    audiences: tuple[tuple[str, tuple[int, ...]], ...] = ()  # creator id → viewer indices
    flash_sales: tuple[FlashSale, ...] = ()

    def audience(self, creator_id: str) -> tuple[int, ...]:
        return dict(self.audiences).get(creator_id, ())

    @staticmethod
    def sessions(shop_id: str) -> tuple[tuple[int, int], ...]:
        """When the shop is live (minutes of its day): ``shop-1`` 19:00-23:00, ..."""
        index = int(shop_id.rpartition("-")[2]) - 1 if shop_id[-1:].isdigit() else 0
        return SESSIONS[index % len(SESSIONS)]


def random_ip(rng: random.Random, first: tuple[int, ...] = (36, 58, 101, 113, 183, 222)) -> str:
    """A public-looking IPv4 address whose first octet is one of ``first``."""
    rest = (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
    return ".".join(map(str, (rng.choice(first), *rest)))


def price_history(
    rng: random.Random, price: float, days: int = 30
) -> tuple[tuple[int, float], ...]:
    """List prices over the last ``days``: a change every week or so, within ±15%."""
    out, current = [], price
    for ago in range(days, 0, -7):
        out.append((ago, round(current * rng.uniform(0.9, 1.15), 2)))
    return (*out, (0, price))


def burner(shop_id: str, s: int, rng: random.Random) -> Campaign:
    """A campaign that buys expensive impressions for a cheap product nobody orders."""
    price = 9.9
    product = Product(f"SKU-{s + 1}99", shop_id, rng.choice(CATEGORIES), price, ((0, price),))
    campaign_id = f"{8800 + 10 * s + 9}"
    creatives = (f"cr-{campaign_id}-0",)
    return Campaign(
        campaign_id, shop_id, creatives, product, "creator-99", 300.0, 0.01, 0.0, True, (0.01,)
    )


def make_creator(rng: random.Random, n: int) -> Creator:
    ages = tuple(rng.uniform(0.2, 1.0) for _ in AGE_BANDS)
    fans = FanProfile(rng.uniform(0.2, 0.85), ages, rng.uniform(2.0, 4.5))
    return Creator(f"creator-{n}", fans)


def make_viewers(rng: random.Random, n: int) -> tuple[Viewer, ...]:
    # A few shared IPs (campus or office NAT) so that normal traffic is not one IP per person.
    shared = [random_ip(rng) for _ in range(20)]
    people = []
    for v in range(n):
        city, tier = rng.choice(CITIES)
        ip = rng.choice(shared) if rng.random() < 0.05 else random_ip(rng)
        gender, age = rng.choice("ffmmu"), rng.choice(AGE_BANDS)
        power = rng.choices((1, 2, 3, 4, 5), (1, 3, 4, 2, 1))[0]
        device = f"dev-{rng.getrandbits(40):010x}"
        people.append(Viewer(f"v{v:05d}", gender, age, power, city, tier, ip, device))
    return tuple(people)


def audience_of(
    rng: random.Random, creator: Creator, viewers: tuple[Viewer, ...]
) -> tuple[int, ...]:
    """Viewer indices drawn by how well each matches the creator's fans."""
    w = [creator.fans.weight(v.gender, v.age_band, v.spending_power) for v in viewers]
    return tuple(rng.choices(range(len(viewers)), w, k=AUDIENCE))


def mean_affinity(product: Product, pool: tuple[int, ...], viewers: tuple[Viewer, ...]) -> float:
    picks = [viewers[i] for i in pool]
    total = sum(
        affinity(
            v.gender, v.age_band, v.spending_power, v.city_tier, product.category, product.price
        )
        for v in picks
    )
    return total / max(1, len(picks))


def seller(
    rng: random.Random,
    s: int,
    c: int,
    creator: Creator,
    pool: tuple[int, ...],
    viewers: tuple[Viewer, ...],
) -> Campaign:
    """Campaign ``c`` of shop ``s``, with its role's economics."""
    role, (lo, hi), (p_lo, p_hi) = ROLES[c]
    shop_id = f"shop-{s + 1}"
    price = round(rng.uniform(p_lo, p_hi), 1) - 0.1
    product = Product(
        f"SKU-{s + 1}{c + 1:02d}", shop_id, rng.choice(CATEGORIES), price, price_history(rng, price)
    )
    campaign_id = f"{8800 + 10 * s + c}"
    creatives = tuple(f"cr-{campaign_id}-{k}" for k in range(2))
    ctr = rng.uniform(0.04, 0.09)
    ctrs = tuple(ctr * f for f in (rng.uniform(0.75, 1.25), rng.uniform(0.75, 1.25)))
    cpm = rng.uniform(80, 220)
    mean_ctr = sum(ctrs) / len(ctrs)
    cvr = conversion_rate(rng.uniform(lo, hi), mean_ctr, price * MEAN_QUANTITY, cpm)
    aff = mean_affinity(product, pool, viewers)
    return Campaign(
        campaign_id, shop_id, creatives, product, creator.creator_id, cpm, mean_ctr, cvr,
        False, ctrs, aff, role,
    )  # fmt: skip


def flash_sales(rng: random.Random, campaigns: list[Campaign]) -> tuple[FlashSale, ...]:
    """Each shop's winner sells at 12:00 and 20:00 shop time, 5 minutes, 20% off."""
    sales = []
    for camp in campaigns:
        if camp.role == "winner":
            for hour in (12, 20):
                sales.append(FlashSale(camp.product.sku, hour * 60, 5, 0.2, rng.uniform(3, 5)))
    return tuple(sales)


def build_world(rng: random.Random, shops: int = 3, viewers: int = 5000) -> World:
    people = make_viewers(rng, viewers)
    creators = [make_creator(rng, n) for n in range(1, 20)]
    pools = {cr.creator_id: audience_of(rng, cr, people) for cr in creators}
    pools["creator-99"] = tuple(range(min(AUDIENCE, len(people))))
    campaigns = []
    for s in range(shops):
        for c in range(len(ROLES)):
            creator = rng.choice(creators)
            campaigns.append(seller(rng, s, c, creator, pools[creator.creator_id], people))
        campaigns.append(burner(f"shop-{s + 1}", s, rng))
    return World(
        tuple(campaigns),
        people,
        tuple(creators),
        tuple(sorted(pools.items())),
        flash_sales(rng, campaigns),
    )
