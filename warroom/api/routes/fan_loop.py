"""``/v1/fan-loop``: the public-to-private loop (T0 / T30) per shop and creator: viewers
whose first purchase in the shop came from the discovery feed (T0), how many of them
followed the shop, and repurchased within 48 hours and within 30 days (T30)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.entities import responses
from warroom.schemas.entities.common import Page
from warroom.streams.journey_view import LOOP_COUNTS, summed

router = APIRouter(prefix="/v1/fan-loop", tags=["fan loop"])


class LoopRow(BaseModel):
    shop_id: str
    creator_id: str  # "" when the first purchase named no creator
    t0_buyers: int
    followed: int
    follow_rate: float | None
    repurchased_48h: int
    repurchase_rate_48h: float | None  # what the creator trust score's repurchase reads
    repurchased_30d: int
    t30_rate: float | None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@router.get("", responses=responses())
def fan_loop(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    creator_id: str | None = None,
) -> Page[LoopRow]:
    """Per shop and creator, most T0 buyers first (a shop-scoped key: its shops)."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    counts = [
        c
        for c in rt.journeys.loops.values()
        if actor.sees(c.shop_id)
        and shop_id in (None, c.shop_id)
        and creator_id in (None, c.creator_id)
    ]
    totals = summed(counts, lambda c: (c.shop_id, c.creator_id), LOOP_COUNTS)
    rows = []
    for (shop, creator), n in totals.items():
        t0 = n["t0_buyers"]
        rows.append(
            LoopRow(
                shop_id=shop,
                creator_id=creator,
                t0_buyers=t0,
                followed=n["followed"],
                follow_rate=_rate(n["followed"], t0),
                repurchased_48h=n["repurchased_48h"],
                repurchase_rate_48h=_rate(n["repurchased_48h"], t0),
                repurchased_30d=n["repurchased_30d"],
                t30_rate=_rate(n["repurchased_30d"], t0),
            )
        )
    rows.sort(key=lambda r: (-r.t0_buyers, r.shop_id, r.creator_id))
    return Page[LoopRow](data=rows, count=len(rows))
