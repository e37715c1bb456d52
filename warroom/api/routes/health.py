"""``GET /v1/health`` and ``GET /v1/stats``: is it up, and what has it counted."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from warroom.api.auth import ActorDep
from warroom.api.deps import RuntimeDep
from warroom.streams import stats

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health")  # no credentials: for load balancers and probes
async def health(rt: RuntimeDep) -> dict[str, Any]:
    return {"status": "ok", "broker": rt.bootstrap}


@router.get("/stats")
async def get_stats(rt: RuntimeDep, actor: ActorDep) -> dict[str, Any]:
    """Counters of this process (a worker's counters when the worker runs here too)."""
    return {
        "counters": stats.snapshot(),
        "feed_items": rt.feed.published,
        "feed_duplicates_suppressed": rt.feed.duplicates,
        "campaigns_live": len(rt.live),
        "creatives_live": len(rt.creative_live),
    }
