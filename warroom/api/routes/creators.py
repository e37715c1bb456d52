"""``/v1/creators``: creators and their fan profiles. Admins write; readers read.

Creators are not tied to a shop, so every reader sees all of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import SessionDep
from warroom.api.entities import IfVersion, Listing, listing, merged_changes, page, responses
from warroom.schemas.entities.common import Page, Platform
from warroom.schemas.entities.creators import CreatorCreate, CreatorPublic, CreatorUpdate
from warroom.store import crud
from warroom.store.commerce import CREATORS

router = APIRouter(prefix="/v1/creators", tags=["creators"])
CreatorListing = Annotated[Listing, Depends(listing(CREATORS, default="handle"))]


@router.post("", status_code=201, responses=responses(409))
def create_creator(body: CreatorCreate, session: SessionDep, actor: ActorDep) -> CreatorPublic:
    """Create a creator; 409 if its id exists."""
    actor.require("admin")
    row = crud.create(session, CREATORS, body.model_dump(), actor.id)
    return CreatorPublic.model_validate(row)


@router.get("", responses=responses())
def list_creators(
    session: SessionDep,
    actor: ActorDep,
    listed: CreatorListing,
    platform: Platform | None = None,
    home_city: str | None = None,
) -> Page[CreatorPublic]:
    actor.require(*READERS)
    filters = {"platform": platform, "home_city": home_city}
    rows, count = crud.find(session, CREATORS, filters, listed.sort, listed.page)
    return page(CreatorPublic, rows, count)


@router.get("/{creator_id}", responses=responses(404))
def get_creator(creator_id: str, session: SessionDep, actor: ActorDep) -> CreatorPublic:
    actor.require(*READERS)
    return CreatorPublic.model_validate(crud.get(session, CREATORS, creator_id))


@router.patch("/{creator_id}", responses=responses(404, 409))
def update_creator(
    creator_id: str, body: CreatorUpdate, session: SessionDep, actor: ActorDep
) -> CreatorPublic:
    """Change the fields sent; 409 with the current version if ``version`` is stale."""
    actor.require("admin")
    row = crud.get(session, CREATORS, creator_id)
    changes = merged_changes(CreatorCreate, CreatorPublic, row, body)
    row = crud.update(session, CREATORS, row, body.version, changes, actor.id)
    return CreatorPublic.model_validate(row)


@router.delete("/{creator_id}", status_code=204, responses=responses(404, 409))
def delete_creator(
    creator_id: str, session: SessionDep, actor: ActorDep, version: IfVersion = None
) -> None:
    """Delete a creator; 409 naming the creatives they still appear in."""
    actor.require("admin")
    crud.delete(session, CREATORS, crud.get(session, CREATORS, creator_id), version, actor.id)
