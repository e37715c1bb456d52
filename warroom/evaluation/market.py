"""The simulated market minute by minute, in aggregate (counts, not events): what each
running campaign's creatives get in one minute, from the same hidden economics as the
event simulator (``warroom.sim``).

The platform paces a campaign's daily budget along the diurnal curve, most of it in the
shop's live sessions (直播: ``LIVE_BOOST`` times an off-air minute), and stops it when the
shop-local day's budget is spent. Impressions, clicks and orders are Poisson draws from a
generator seeded by (seed, creative, minute), so every policy compared sees the same luck
for the same creative in the same minute. Scaling a budget has diminishing returns: the
conversion rate falls as ``(start budget / budget) ** ELASTICITY`` above the start budget.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from functools import lru_cache

from warroom.schemas.internal import CampaignMinute
from warroom.schemas.types import MONEY_UNITS
from warroom.sim.calendar import DIURNAL, local_minute, sale_on
from warroom.sim.economics import MEAN_QUANTITY
from warroom.sim.platform import START_BUDGET
from warroom.sim.traffic import PLAY_RATE, SALE_CONVERSION
from warroom.sim.world import Campaign, FlashSale

ELASTICITY = 0.3
#: A live session spends this many times the budget of an off-air minute at the same hour.
LIVE_BOOST = 8.0
DIURNAL_BY_MINUTE = tuple(
    DIURNAL[m // 60] + (DIURNAL[(m // 60 + 1) % 24] - DIURNAL[m // 60]) * (m % 60) / 60
    for m in range(1440)
)
#: Share of plays watched to the end.
COMPLETION = 0.3


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (normal approximation above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


@dataclass(frozen=True, slots=True)
class Tally:
    """One creative's minute: the counters the budget engine reads, and GMV in CNY."""

    minute: CampaignMinute
    spend: float
    gmv: float


def luck(seed: int, creative_id: str, minute: int) -> random.Random:
    return random.Random(zlib.crc32(f"{seed}|{creative_id}|{minute}".encode()))


def pace(minute: int, sessions: tuple[tuple[int, int], ...]) -> float:
    """How much of the day's spend falls in this minute of the shop's day, relative: the
    diurnal curve, ``LIVE_BOOST`` times higher while the shop is live."""
    live = any(lo <= minute < hi for lo, hi in sessions)
    return DIURNAL_BY_MINUTE[minute] * (LIVE_BOOST if live else 1.0)


@lru_cache(maxsize=64)
def day_weight(sessions: tuple[tuple[int, int], ...]) -> float:
    return sum(pace(m, sessions) for m in range(1440))


def planned_spend(budget: float, ts: float, sessions: tuple[tuple[int, int], ...] = ()) -> float:
    """What the platform means to spend in the minute at ``ts``: the day's budget paced
    along the diurnal curve, most of it while the shop is live (``sessions``)."""
    return budget * pace(local_minute(ts), sessions) / day_weight(sessions)


def creative_minute(
    seed: int,
    camp: Campaign,
    creative: str,
    ts: float,
    spend: float,
    budget: float,
    sales: tuple[FlashSale, ...],
) -> Tally:
    """One creative's minute at ``ts`` when the platform spends ``spend`` CNY on it."""
    minute = int(ts // 60)
    rng = luck(seed, creative, minute)
    sale = sale_on(sales, camp.product.sku, ts)
    impressions = poisson(rng, spend * 1000 / camp.cpm * (sale.boost if sale else 1.0))
    plays = poisson(rng, impressions * PLAY_RATE)
    clicks = poisson(rng, impressions * camp.ctr_of(creative))
    fade = (START_BUDGET_F / budget) ** ELASTICITY if budget > START_BUDGET_F else 1.0
    cvr = camp.cvr * fade * (SALE_CONVERSION if sale else 1.0)
    orders = poisson(rng, clicks * cvr)
    price = camp.product.price * (1 - sale.discount) if sale else camp.product.price
    cost, gmv = impressions * camp.cpm / 1000, orders * price * MEAN_QUANTITY
    counts = CampaignMinute(
        minute=minute,
        impressions=impressions,
        plays=plays,
        completions=round(plays * COMPLETION),
        clicks=clicks,
        spend=round(cost * MONEY_UNITS),
        orders=orders,
        gmv=round(gmv * MONEY_UNITS),
    )
    return Tally(counts, cost, gmv)


START_BUDGET_F = float(START_BUDGET)
