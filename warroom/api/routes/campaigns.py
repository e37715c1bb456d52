"""``/v1/campaigns``: campaigns (CRUD; admins and the shop's buyers write) and
``GET /v1/campaigns/{id}/live``, a campaign's live counters over sliding windows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from warroom.api.auth import READERS, ActorDep, Role
from warroom.api.deps import LiveDep, RuntimeDep, SessionDep
from warroom.api.entities import IfVersion, Listing, listing, merged_changes, page, responses
from warroom.api.live import live_body
from warroom.schemas.entities.campaigns import CampaignCreate, CampaignPublic, CampaignUpdate
from warroom.schemas.entities.common import Page, Platform, Status
from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"])
CampaignListing = Annotated[Listing, Depends(listing(CAMPAIGNS))]
WRITERS: tuple[Role, ...] = ("admin", "buyer")


@router.post("", status_code=201, responses=responses(409))
def create_campaign(body: CampaignCreate, session: SessionDep, actor: ActorDep) -> CampaignPublic:
    """Create a campaign of an existing shop, on that shop's platform."""
    actor.require(*WRITERS)
    actor.require_shop(body.shop_id)
    row = crud.create(session, CAMPAIGNS, body.model_dump(), actor.id)
    return CampaignPublic.model_validate(row)


@router.get("", responses=responses())
def list_campaigns(
    session: SessionDep,
    actor: ActorDep,
    listed: CampaignListing,
    shop_id: str | None = None,
    status: Status | None = None,
    platform: Platform | None = None,
    origin_campaign_id: str | None = None,
) -> Page[CampaignPublic]:
    actor.require(*READERS)
    filters = {
        "shop_id": shop_id,
        "status": status,
        "platform": platform,
        "origin_campaign_id": origin_campaign_id,
    }
    rows, count = crud.find(session, CAMPAIGNS, filters, listed.sort, listed.page, actor.shops)
    return page(CampaignPublic, rows, count)


@router.get("/{campaign_id}", responses=responses(404))
def get_campaign(campaign_id: str, session: SessionDep, actor: ActorDep) -> CampaignPublic:
    actor.require(*READERS)
    row = crud.get(session, CAMPAIGNS, campaign_id)
    actor.require_shop(row.shop_id)
    return CampaignPublic.model_validate(row)


@router.patch("/{campaign_id}", responses=responses(404, 409))
def update_campaign(
    campaign_id: str, body: CampaignUpdate, session: SessionDep, actor: ActorDep
) -> CampaignPublic:
    """Change the fields sent; 409 with the current version if ``version`` is stale."""
    actor.require(*WRITERS)
    row = crud.get(session, CAMPAIGNS, campaign_id)
    actor.require_shop(row.shop_id)
    changes = merged_changes(CampaignCreate, CampaignPublic, row, body)
    row = crud.update(session, CAMPAIGNS, row, body.version, changes, actor.id)
    return CampaignPublic.model_validate(row)


@router.delete("/{campaign_id}", status_code=204, responses=responses(404, 409))
def delete_campaign(
    campaign_id: str, session: SessionDep, actor: ActorDep, version: IfVersion = None
) -> None:
    """Delete a campaign; 409 naming its creatives or copies if it still has any."""
    actor.require(*WRITERS)
    row = crud.get(session, CAMPAIGNS, campaign_id)
    actor.require_shop(row.shop_id)
    crud.delete(session, CAMPAIGNS, row, version, actor.id)


@router.get("/{campaign_id}/live")
async def campaign_live(
    campaign_id: str, live: LiveDep, actor: ActorDep, rt: RuntimeDep
) -> dict[str, Any]:
    actor.require(*READERS)
    snap = live.get(campaign_id)
    if snap is None:
        raise HTTPException(404, f"no live data for campaign {campaign_id!r} yet")
    actor.require_shop(snap.shop_id)
    return {
        "campaign_id": campaign_id,
        "shop_id": snap.shop_id,
        **live_body(snap.minutes, snap.updated_at, snap.today, snap.time_zone),
        # 人货匹配度 (0-100) of its latest clicks; None before any click was scored
        "match_score": rt.models.match_score("campaign", campaign_id),
    }
