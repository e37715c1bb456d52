"""``/v1/audiences/retargeting``: viewers who clicked a product and did not order it within
the rulebook's window (``journey.retargeting``), with the product, campaign and creative
they clicked; JSON ``{data, count}`` or CSV (``format=csv``) to upload to an ad platform."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.entities import MAX_LIMIT, MAX_OFFSET, responses
from warroom.schemas.entities.common import Page
from warroom.schemas.journeys import AudienceMember
from warroom.store.warehouse.reports.export import to_csv

router = APIRouter(prefix="/v1/audiences", tags=["audiences"])
COLUMNS = ("viewer_id", "shop_id", "product_id", "campaign_id", "creative_id", "clicked_at")


@router.get("/retargeting", response_model=Page[AudienceMember], responses=responses())
def retargeting(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    product_id: str | None = None,
    format: Literal["json", "csv"] = "json",
    limit: Annotated[int, Query(ge=1, le=100_000)] = MAX_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[AudienceMember] | Response:
    """Members, most recent click first (CSV: up to ``limit`` rows, default 500)."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    rows = [
        m
        for m in rt.journeys.audience.values()
        if actor.sees(m.shop_id)
        and shop_id in (None, m.shop_id)
        and product_id in (None, m.product_id)
    ]
    rows.sort(key=lambda m: (-m.clicked_at, m.viewer_id, m.product_id))
    page = rows[offset : offset + limit]
    if format == "csv":
        headers = {"content-disposition": 'attachment; filename="retargeting.csv"'}
        body = to_csv([m.model_dump(include=set(COLUMNS)) for m in page], COLUMNS)
        return Response(body, media_type="text/csv", headers=headers)
    return Page[AudienceMember](data=page, count=len(rows))
