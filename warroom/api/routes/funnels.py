"""``/v1/funnels``: the conversion path view → product click → (private message) → order,
live, in viewers who reached each step, per creative and audience segment (or either),
with the step where most viewers drop."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.entities import responses
from warroom.rules.journeys.funnel import drop_step
from warroom.schemas.entities.common import Page
from warroom.schemas.journeys import FunnelCount
from warroom.streams.journey_view import FUNNEL_STEPS, summed

router = APIRouter(prefix="/v1/funnels", tags=["funnels"])
By = Literal["creative,segment", "creative", "segment"]


class FunnelRow(BaseModel):
    shop_id: str
    creative_id: str | None  # None: every creative (by=segment)
    segment: str | None  # "gender/age band"; None: every segment (by=creative)
    view: int
    click: int
    message: int
    order: int
    click_rate: float | None  # click / view
    order_rate: float | None  # order / click
    drop_step: str | None  # "view→click" or "click→order"
    drop_rate: float | None  # the share that went on at that step


def _row(key: tuple[str, ...], steps: dict[str, int], by: By) -> FunnelRow:
    shop, creative, segment = key
    drop = drop_step(steps)
    view, click, order = steps["view"], steps["click"], steps["order"]
    return FunnelRow(
        shop_id=shop,
        creative_id=creative if "creative" in by else None,
        segment=segment if "segment" in by else None,
        view=view,
        click=click,
        message=steps["message"],
        order=order,
        click_rate=click / view if view else None,
        order_rate=order / click if click else None,
        drop_step=drop.step if drop else None,
        drop_rate=drop.rate if drop else None,
    )


@router.get("", responses=responses())
def funnels(
    rt: RuntimeDep,
    actor: ActorDep,
    shop_id: str | None = None,
    campaign_id: str | None = None,
    creative_id: str | None = None,
    by: By = "creative,segment",
) -> Page[FunnelRow]:
    """Funnels of the key's shops, most viewers first."""
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
    counts = [
        f
        for f in rt.journeys.funnels.values()
        if actor.sees(f.shop_id)
        and shop_id in (None, f.shop_id)
        and campaign_id in (None, f.campaign_id)
        and creative_id in (None, f.creative_id)
    ]

    def key(f: FunnelCount) -> tuple[str, ...]:
        return (
            f.shop_id,
            f.creative_id if "creative" in by else "",
            f.segment if "segment" in by else "",
        )

    totals = summed(counts, key, FUNNEL_STEPS)
    rows = [_row(k, dict(v), by) for k, v in totals.items()]
    rows.sort(key=lambda r: (-r.view, r.shop_id, r.creative_id or "", r.segment or ""))
    return Page[FunnelRow](data=rows, count=len(rows))
