"""``GET /v1/campaigns/{id}/live``: a campaign's live counters over sliding windows."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, HTTPException

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import LiveDep
from warroom.rules.budget.metrics import live_windows
from warroom.schemas.types import MONEY_UNITS

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"])


@router.get("/{campaign_id}/live")
async def campaign_live(campaign_id: str, live: LiveDep, actor: ActorDep) -> dict[str, Any]:
    actor.require(*READERS)
    snap = live.get(campaign_id)
    if snap is None:
        raise HTTPException(404, f"no live data for campaign {campaign_id!r} yet")
    actor.require_shop(snap.shop_id)
    now = time.time()
    minutes = [
        {**m.model_dump(), "spend": m.spend / MONEY_UNITS, "gmv": m.gmv / MONEY_UNITS}
        for m in snap.minutes
    ]
    return {
        "campaign_id": campaign_id,
        "shop_id": snap.shop_id,
        "as_of": now,
        "updated_at": snap.updated_at,
        "windows": live_windows(snap.minutes, now),
        "minutes": minutes,
    }
