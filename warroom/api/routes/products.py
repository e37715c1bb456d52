"""``/v1/products``: a shop's SKUs. Admins and the shop's buyers write; readers read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from warroom.api.auth import READERS, ActorDep, Role
from warroom.api.deps import SessionDep
from warroom.api.entities import IfVersion, Listing, listing, merged_changes, page, responses
from warroom.schemas.entities.common import Page
from warroom.schemas.entities.products import ProductCreate, ProductPublic, ProductUpdate
from warroom.store import crud
from warroom.store.commerce import PRODUCTS

router = APIRouter(prefix="/v1/products", tags=["products"])
ProductListing = Annotated[Listing, Depends(listing(PRODUCTS))]
WRITERS: tuple[Role, ...] = ("admin", "buyer")


@router.post("", status_code=201, responses=responses(409))
def create_product(body: ProductCreate, session: SessionDep, actor: ActorDep) -> ProductPublic:
    """Create a product of an existing shop; 409 if its id exists."""
    actor.require(*WRITERS)
    actor.require_shop(body.shop_id)
    row = crud.create(session, PRODUCTS, body.model_dump(), actor.id)
    return ProductPublic.model_validate(row)


@router.get("", responses=responses())
def list_products(
    session: SessionDep,
    actor: ActorDep,
    listed: ProductListing,
    shop_id: str | None = None,
    category: str | None = None,
) -> Page[ProductPublic]:
    actor.require(*READERS)
    filters = {"shop_id": shop_id, "category": category}
    rows, count = crud.find(session, PRODUCTS, filters, listed.sort, listed.page, actor.shops)
    return page(ProductPublic, rows, count)


@router.get("/{product_id}", responses=responses(404))
def get_product(product_id: str, session: SessionDep, actor: ActorDep) -> ProductPublic:
    actor.require(*READERS)
    row = crud.get(session, PRODUCTS, product_id)
    actor.require_shop(row.shop_id)
    return ProductPublic.model_validate(row)


@router.patch("/{product_id}", responses=responses(404, 409))
def update_product(
    product_id: str, body: ProductUpdate, session: SessionDep, actor: ActorDep
) -> ProductPublic:
    """Change the fields sent; 409 with the current version if ``version`` is stale."""
    actor.require(*WRITERS)
    row = crud.get(session, PRODUCTS, product_id)
    actor.require_shop(row.shop_id)
    changes = merged_changes(ProductCreate, ProductPublic, row, body)
    row = crud.update(session, PRODUCTS, row, body.version, changes, actor.id)
    return ProductPublic.model_validate(row)


@router.delete("/{product_id}", status_code=204, responses=responses(404, 409))
def delete_product(
    product_id: str, session: SessionDep, actor: ActorDep, version: IfVersion = None
) -> None:
    """Delete a product; 409 naming the creatives that still promote it."""
    actor.require(*WRITERS)
    row = crud.get(session, PRODUCTS, product_id)
    actor.require_shop(row.shop_id)
    crud.delete(session, PRODUCTS, row, version, actor.id)
