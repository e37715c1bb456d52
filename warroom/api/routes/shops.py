"""``/v1/shops``: create, read, list, update (optimistic concurrency) and delete shops.

Writes are for admins; every role but ingest reads, within its shops."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import SessionDep
from warroom.api.entities import IfVersion, Listing, listing, merged_changes, page, responses
from warroom.schemas.entities.common import Page, Platform
from warroom.schemas.entities.shops import ShopCreate, ShopPublic, ShopUpdate
from warroom.store import crud
from warroom.store.commerce import SHOPS

router = APIRouter(prefix="/v1/shops", tags=["shops"])
ShopListing = Annotated[Listing, Depends(listing(SHOPS, default="name"))]


@router.post("", status_code=201, responses=responses(409))
def create_shop(body: ShopCreate, session: SessionDep, actor: ActorDep) -> ShopPublic:
    """Create a shop; 409 if its id exists."""
    actor.require("admin")
    return ShopPublic.model_validate(crud.create(session, SHOPS, body.model_dump(), actor.id))


@router.get("", responses=responses())
def list_shops(
    session: SessionDep, actor: ActorDep, listed: ShopListing, platform: Platform | None = None
) -> Page[ShopPublic]:
    """The shops the caller may see, one page at a time, with the total count."""
    actor.require(*READERS)
    filters = {"platform": platform}
    rows, count = crud.find(session, SHOPS, filters, listed.sort, listed.page, actor.shops)
    return page(ShopPublic, rows, count)


@router.get("/{shop_id}", responses=responses(404))
def get_shop(shop_id: str, session: SessionDep, actor: ActorDep) -> ShopPublic:
    actor.require(*READERS)
    actor.require_shop(shop_id)
    return ShopPublic.model_validate(crud.get(session, SHOPS, shop_id))


@router.patch("/{shop_id}", responses=responses(404, 409))
def update_shop(shop_id: str, body: ShopUpdate, session: SessionDep, actor: ActorDep) -> ShopPublic:
    """Change the fields sent; 409 with the current version if ``version`` is stale."""
    actor.require("admin")
    row = crud.get(session, SHOPS, shop_id)
    changes = merged_changes(ShopCreate, ShopPublic, row, body)
    return ShopPublic.model_validate(
        crud.update(session, SHOPS, row, body.version, changes, actor.id)
    )


@router.delete("/{shop_id}", status_code=204, responses=responses(404, 409))
def delete_shop(
    shop_id: str,
    session: SessionDep,
    actor: ActorDep,
    version: IfVersion = None,
) -> None:
    """Delete a shop; 409 naming what still references it (products, campaigns, ...)."""
    actor.require("admin")
    crud.delete(session, SHOPS, crud.get(session, SHOPS, shop_id), version, actor.id)
