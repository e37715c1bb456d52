"""A referenced entity cannot be deleted: the store says what still references it, and
the database itself refuses (ON DELETE RESTRICT) if anything gets past that."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.store.entities import ACTOR, World, campaign, product, seed
from warroom.errors import Conflict
from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS, CREATIVES, CREATORS, PRODUCTS, SHOPS
from warroom.store.db import Store
from warroom.store.kinds import Kind


@pytest.fixture
def world(store: Store) -> World:
    with store.session() as session:
        return seed(session)


def delete(store: Store, kind: Kind[Any], entity_id: str) -> None:
    with store.session() as session:
        crud.delete(session, kind, crud.get(session, kind, entity_id), None, ACTOR)


def test_deleting_a_shop_with_products_and_campaigns_names_them(store: Store, world: World) -> None:
    with pytest.raises(Conflict) as err:
        delete(store, SHOPS, world.shop)

    message = str(err.value)
    assert message.startswith(f"shop '{world.shop}' is still referenced by ")
    assert f"products '{world.product}'" in message
    assert f"campaigns '{world.campaign}'" in message
    assert f"creatives '{world.creative}'" in message
    with store.session() as session:
        assert crud.get(session, SHOPS, world.shop).version == 1


@pytest.mark.parametrize(
    ("kind", "attr", "referrer"),
    [
        (PRODUCTS, "product", "creative"),
        (CREATORS, "creator", "creative"),
        (CAMPAIGNS, "campaign", "creative"),
    ],
)
def test_deleting_what_a_creative_uses_names_the_creative(
    store: Store,
    world: World,
    kind: Kind[Any],
    attr: str,
    referrer: str,
) -> None:
    with pytest.raises(Conflict, match=rf"still referenced by creatives '{world.creative}'"):
        delete(store, kind, getattr(world, attr))


def test_a_campaign_with_copies_cannot_be_deleted(store: Store, world: World) -> None:
    with store.session() as session:
        copy = crud.create(
            session, CAMPAIGNS, campaign(world.shop, origin_campaign_id=world.campaign), ACTOR
        )
        crud.delete(session, CREATIVES, crud.get(session, CREATIVES, world.creative), None, ACTOR)

    with pytest.raises(Conflict, match=rf"referenced by copies '{copy.id}'"):
        delete(store, CAMPAIGNS, world.campaign)


def test_many_references_are_summarised(store: Store, world: World) -> None:
    with store.session() as session:
        for i in range(5):
            crud.create(session, PRODUCTS, product(world.shop, id=f"{world.shop}-{i}"), ACTOR)

    with pytest.raises(Conflict, match=r"products '[^']+', '[^']+', '[^']+', \.\.\."):
        delete(store, SHOPS, world.shop)


def test_once_unreferenced_everything_can_be_deleted(store: Store, world: World) -> None:
    for kind, entity_id in [
        (CREATIVES, world.creative),
        (CREATORS, world.creator),
        (CAMPAIGNS, world.campaign),
        (PRODUCTS, world.product),
        (SHOPS, world.shop),
    ]:
        delete(store, kind, entity_id)

    with store.session() as session:
        assert crud.find(session, SHOPS, {"id": world.shop}, [], (10, 0)) == ([], 0)


@pytest.mark.parametrize(
    "table", ["shops", "products", "creators", "campaigns"], ids=lambda t: f"raw-{t}"
)
def test_the_database_restricts_deletes_too(store: Store, world: World, table: str) -> None:
    entity_id = {"shops": world.shop, "products": world.product}.get(table)
    entity_id = entity_id or {"creators": world.creator, "campaigns": world.campaign}[table]

    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": entity_id})
