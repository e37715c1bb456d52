"""A reproducible little market: shops, products, creators, campaigns, viewers."""

from __future__ import annotations

import random
from dataclasses import dataclass

CATEGORIES = ("beauty", "snacks", "apparel", "home", "digital")
CITIES = (("上海", 1), ("杭州", 2), ("成都", 2), ("临沂", 3), ("赣州", 4))
AGE_BANDS = ("18-23", "24-30", "31-40", "41-50", "50+")


@dataclass(frozen=True)
class Product:
    sku: str
    shop_id: str
    category: str
    price: float


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    shop_id: str
    creatives: tuple[str, ...]
    product: Product
    creator_id: str
    cpm: float  # cost per thousand impressions, CNY
    ctr: float  # hidden truth: click-through rate
    cvr: float  # hidden truth: click to order conversion
    burner: bool = False  # hidden truth: spends fast and never sells (true ROI 0)


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
class World:
    campaigns: tuple[Campaign, ...]
    viewers: tuple[Viewer, ...]


def random_ip(rng: random.Random, first: tuple[int, ...] = (36, 58, 101, 113, 183, 222)) -> str:
    """A public-looking IPv4 address whose first octet is one of ``first``."""
    rest = (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
    return ".".join(map(str, (rng.choice(first), *rest)))


def burner(shop_id: str, s: int, rng: random.Random) -> Campaign:
    """A campaign that buys expensive impressions for a product nobody orders."""
    product = Product(f"SKU-{s + 1}99", shop_id, rng.choice(CATEGORIES), 399.0)
    campaign_id = f"{8800 + 10 * s + 9}"
    creatives = (f"cr-{campaign_id}-0",)
    return Campaign(
        campaign_id,
        shop_id,
        creatives,
        product,
        "creator-99",
        cpm=120.0,
        ctr=0.01,
        cvr=0.0,
        burner=True,
    )


def build_world(rng: random.Random, shops: int = 3, viewers: int = 5000) -> World:
    campaigns = []
    for s in range(shops):
        shop_id = f"shop-{s + 1}"
        for c in range(3):
            category = rng.choice(CATEGORIES)
            product = Product(
                f"SKU-{s + 1}{c + 1:02d}", shop_id, category, round(rng.uniform(19, 299), 2)
            )
            campaign_id = f"{8800 + 10 * s + c}"
            creatives = tuple(f"cr-{campaign_id}-{k}" for k in range(2))
            campaigns.append(
                Campaign(
                    campaign_id,
                    shop_id,
                    creatives,
                    product,
                    f"creator-{rng.randrange(1, 20)}",
                    cpm=rng.uniform(20, 60),
                    ctr=rng.uniform(0.005, 0.04),
                    cvr=rng.uniform(0.01, 0.08),
                )
            )
        campaigns.append(burner(shop_id, s, rng))
    # A few shared IPs (campus or office NAT) so that normal traffic is not one IP per person.
    shared = [random_ip(rng) for _ in range(20)]
    people = []
    for v in range(viewers):
        city, tier = rng.choice(CITIES)
        ip = rng.choice(shared) if rng.random() < 0.05 else random_ip(rng)
        people.append(
            Viewer(
                f"v{v:05d}",
                rng.choice("ffmmu"),
                rng.choice(AGE_BANDS),
                rng.randint(1, 5),
                city,
                tier,
                ip,
                f"dev-{rng.getrandbits(40):010x}",
            )
        )
    return World(tuple(campaigns), tuple(people))
