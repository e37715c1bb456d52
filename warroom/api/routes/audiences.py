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
#: Most members in one answer (a CSV without ``limit`` is the whole audience up to this).
MAX_EXPORT = 100_000


@router.get("/retargeting", response_model=Page[AudienceMember], responses=responses())
def retargeting(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    product_id: str | None = None,
    format: Literal["json", "csv"] = "json",
    limit: Annotated[int | None, Query(ge=1, le=MAX_EXPORT)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[AudienceMember] | Response:
    """Members, most recent click first: a page of ``limit`` (default 500) as JSON, or the
    whole audience as CSV (up to ``limit``, at most 100,000 rows); ``X-Total-Count`` says
    how many members there are, so a cut-off export never passes unnoticed."""
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
    size = limit or (MAX_EXPORT if format == "csv" else MAX_LIMIT)
    page = rows[offset : offset + size]
    if format == "csv":
        headers = {
            "content-disposition": 'attachment; filename="retargeting.csv"',
            "x-total-count": str(len(rows)),
        }
        body = to_csv([m.model_dump(include=set(COLUMNS)) for m in page], COLUMNS)
        return Response(body, media_type="text/csv", headers=headers)
    return Page[AudienceMember](data=page, count=len(rows))
