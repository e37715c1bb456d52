"""``/v1/radar``: the hot-product radar (爆款雷达) table, live: per product its search growth,
completion rate, orders per thousand impressions (三率), video life cycle and stock turnover
days (两周期), and its tags (``radar.hot_product``; coupons are at ``/v1/decisions``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.entities import MAX_LIMIT, responses
from warroom.errors import NotFound
from warroom.schemas.entities.common import Page
from warroom.schemas.radar import RadarRow

router = APIRouter(prefix="/v1/radar", tags=["radar"])
Sort = Literal["search_growth", "orders_per_mille", "completion_rate", "stock_turnover_days"]


def _sort_key(row: RadarRow, by: Sort) -> tuple[bool, float, str]:
    value = getattr(row, by)
    return (value is None, -(value or 0.0), row.product_id)


@router.get("", responses=responses())
def radar(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    tag: Annotated[str | None, Query(examples=["今日必抢"])] = None,
    sort: Sort = "search_growth",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[RadarRow]:
    """Products, highest ``sort`` first (unknown values last), of the key's shops."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    rows = [
        r
        for r in rt.radar.all()
        if actor.sees(r.shop_id) and shop_id in (None, r.shop_id) and tag in (None, *r.tags)
    ]
    rows.sort(key=lambda r: _sort_key(r, sort))
    return Page[RadarRow](data=rows[:limit], count=len(rows))


@router.get("/{product_id}", responses=responses(404))
def radar_row(product_id: str, rt: RuntimeDep, actor: ActorDep) -> RadarRow:
    actor.require(*READERS)
    row = rt.radar.get(product_id)
    if row is None or not actor.sees(row.shop_id):
        raise NotFound(f"no radar row for product {product_id!r} (no activity yet)")
    return row
