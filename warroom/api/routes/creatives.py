"""``/v1/creatives``: videos in campaigns (CRUD; admins and the shop's buyers write) and
``GET /v1/creatives/{id}/live``, a creative's live counters over sliding windows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from warroom.api.auth import READERS, ActorDep, Role
from warroom.api.deps import CreativeLiveDep, RuntimeDep, SessionDep
from warroom.api.entities import IfVersion, Listing, listing, merged_changes, page, responses
from warroom.api.live import live_body
from warroom.schemas.entities.common import Page, Status
from warroom.schemas.entities.creatives import CreativeCreate, CreativePublic, CreativeUpdate
from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS, CREATIVES

router = APIRouter(prefix="/v1/creatives", tags=["creatives"])
CreativeListing = Annotated[Listing, Depends(listing(CREATIVES))]
WRITERS: tuple[Role, ...] = ("admin", "buyer")


@router.post("", status_code=201, responses=responses(409))
def create_creative(body: CreativeCreate, session: SessionDep, actor: ActorDep) -> CreativePublic:
    """Create a creative in a campaign, for a product of the campaign's shop."""
    actor.require(*WRITERS)
    campaign = crud.reference(session, CAMPAIGNS, body.campaign_id, "campaign_id")
    actor.require_shop(campaign.shop_id)
    row = crud.create(session, CREATIVES, body.model_dump(), actor.id)
    return CreativePublic.model_validate(row)


@router.get("", responses=responses())
def list_creatives(
    session: SessionDep,
    actor: ActorDep,
    listed: CreativeListing,
    shop_id: str | None = None,
    campaign_id: str | None = None,
    product_id: str | None = None,
    creator_id: str | None = None,
    status: Status | None = None,
) -> Page[CreativePublic]:
    actor.require(*READERS)
    filters = {
        "shop_id": shop_id,
        "campaign_id": campaign_id,
        "product_id": product_id,
        "creator_id": creator_id,
        "status": status,
    }
    rows, count = crud.find(session, CREATIVES, filters, listed.sort, listed.page, actor.shops)
    return page(CreativePublic, rows, count)


@router.get("/{creative_id}", responses=responses(404))
def get_creative(creative_id: str, session: SessionDep, actor: ActorDep) -> CreativePublic:
    actor.require(*READERS)
    row = crud.get(session, CREATIVES, creative_id)
    actor.require_shop(row.shop_id)
    return CreativePublic.model_validate(row)


@router.patch("/{creative_id}", responses=responses(404, 409))
def update_creative(
    creative_id: str, body: CreativeUpdate, session: SessionDep, actor: ActorDep
) -> CreativePublic:
    """Change the fields sent; 409 with the current version if ``version`` is stale."""
    actor.require(*WRITERS)
    row = crud.get(session, CREATIVES, creative_id)
    actor.require_shop(row.shop_id)
    changes = merged_changes(CreativeCreate, CreativePublic, row, body)
    row = crud.update(session, CREATIVES, row, body.version, changes, actor.id)
    return CreativePublic.model_validate(row)


@router.delete("/{creative_id}", status_code=204, responses=responses(404, 409))
def delete_creative(
    creative_id: str, session: SessionDep, actor: ActorDep, version: IfVersion = None
) -> None:
    actor.require(*WRITERS)
    row = crud.get(session, CREATIVES, creative_id)
    actor.require_shop(row.shop_id)
    crud.delete(session, CREATIVES, row, version, actor.id)


@router.get("/{creative_id}/live")
async def creative_live(
    creative_id: str, live: CreativeLiveDep, actor: ActorDep, rt: RuntimeDep
) -> dict[str, Any]:
    actor.require(*READERS)
    snap = live.get(creative_id)
    if snap is None:
        raise HTTPException(404, f"no live data for creative {creative_id!r} yet")
    actor.require_shop(snap.shop_id)
    return {
        "creative_id": creative_id,
        "campaign_id": snap.campaign_id,
        "shop_id": snap.shop_id,
        **live_body(snap.minutes, snap.updated_at, snap.today, snap.time_zone),
        # 人货匹配度 (0-100) of its latest clicks; None before any click was scored
        "match_score": rt.models.match_score("creative", creative_id),
    }
