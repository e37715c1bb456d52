"""``/v1/flash-sales``: each SKU's live stock countdown (秒单), the campaigns selling it and
those the stock guard paused (``flash.stock_guard``; the pauses are at ``/v1/decisions``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.entities import MAX_LIMIT, responses
from warroom.errors import NotFound
from warroom.schemas.entities.common import Page
from warroom.schemas.flash import StockSnapshot

router = APIRouter(prefix="/v1/flash-sales", tags=["flash sales"])
Level = Literal["ok", "alert", "stop", "sold_out"]


@router.get("", responses=responses())
def list_flash_sales(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    level: Annotated[list[Level] | None, Query(examples=[["alert", "stop"]])] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[StockSnapshot]:
    """SKUs by time left (fewest units first when no pace), of the key's shops."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    rows = [
        s
        for s in rt.stock.all()
        if actor.sees(s.shop_id)
        and shop_id in (None, s.shop_id)
        and (not level or s.level in level)
    ]
    rows.sort(key=lambda s: (s.seconds_left is None, s.seconds_left or 0.0, s.remaining, s.sku))
    return Page[StockSnapshot](data=rows[:limit], count=len(rows))


@router.get("/{sku}", responses=responses(404))
def get_flash_sale(sku: str, rt: RuntimeDep, actor: ActorDep) -> StockSnapshot:
    actor.require(*READERS)
    snap = rt.stock.get(sku)
    if snap is None or not actor.sees(snap.shop_id):
        raise NotFound(f"no stock countdown for SKU {sku!r} (no stock level or orders yet)")
    return snap
