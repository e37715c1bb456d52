"""Creating, reading, updating and listing entities through the store, on both databases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.store.entities import ACTOR, campaign, creative, product, seed, shop
from warroom.errors import Conflict, InvalidEntity, NotFound
from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS, CREATIVES, PRODUCTS, SHOPS
from warroom.store.db import Store


def test_a_created_entity_reads_back_exactly(store: Store) -> None:
    with store.session() as session:
        s = crud.create(session, SHOPS, shop(), ACTOR)
        made = crud.create(session, PRODUCTS, product(s.id, list_price=Decimal("0.0001")), ACTOR)

    with store.session() as session:
        got = crud.get(session, PRODUCTS, made.id)
        assert got.list_price == Decimal("0.0001")
        assert got.cost_price == Decimal("21.50")
        assert (got.version, got.shop_id, got.stock) == (1, s.id, 100)
        assert isinstance(got.created_at, datetime) and got.updated_at == got.created_at


def test_creating_an_existing_id_is_a_conflict(store: Store) -> None:
    with store.session() as session:
        s = crud.create(session, SHOPS, shop(), ACTOR)

    with (
        pytest.raises(Conflict, match=rf"shop '{s.id}' already exists"),
        store.session() as session,
    ):
        crud.create(session, SHOPS, shop(id=s.id), ACTOR)


def test_a_reference_to_nothing_names_the_field(store: Store) -> None:
    with (
        pytest.raises(InvalidEntity, match="shop 'nope' does not exist") as err,
        store.session() as session,
    ):
        crud.create(session, PRODUCTS, product("nope"), ACTOR)
    assert err.value.field == "shop_id"


def test_reading_a_missing_entity_is_not_found(store: Store) -> None:
    with (
        pytest.raises(NotFound, match="product 'ghost' does not exist"),
        store.session() as session,
    ):
        crud.get(session, PRODUCTS, "ghost")


def test_an_update_changes_the_fields_and_bumps_the_version(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
    with store.session() as session:
        row = crud.get(session, CAMPAIGNS, w.campaign)
        created = row.updated_at
        crud.update(session, CAMPAIGNS, row, 1, {"status": "paused", "bid": Decimal("2")}, ACTOR)

    with store.session() as session:
        row = crud.get(session, CAMPAIGNS, w.campaign)
        assert (row.status, row.bid, row.version) == ("paused", Decimal("2"), 2)
        assert row.updated_at > created


def test_an_update_that_changes_nothing_keeps_the_version(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
    with store.session() as session:
        row = crud.get(session, PRODUCTS, w.product)
        crud.update(session, PRODUCTS, row, 1, {"stock": 100, "list_price": Decimal("59.9")}, ACTOR)
        assert row.version == 1


def test_a_creative_takes_its_campaigns_shop(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
        made = crud.create(session, CREATIVES, creative(w.campaign, w.product), ACTOR)
        assert made.shop_id == w.shop


def test_a_creative_must_promote_a_product_of_its_campaigns_shop(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
        other = crud.create(session, SHOPS, shop(), ACTOR)
        foreign = crud.create(session, PRODUCTS, product(other.id), ACTOR)

    with (
        pytest.raises(InvalidEntity, match="belongs to shop") as err,
        store.session() as session,
    ):
        crud.create(session, CREATIVES, creative(w.campaign, foreign.id), ACTOR)
    assert err.value.field == "product_id"
    with store.session() as session:
        row = crud.get(session, CREATIVES, w.creative)
        with pytest.raises(InvalidEntity) as err:
            crud.update(session, CREATIVES, row, 1, {"product_id": foreign.id}, ACTOR)
    assert err.value.field == "product_id"


def test_a_campaign_runs_on_its_shops_platform(store: Store) -> None:
    with store.session() as session:
        s = crud.create(session, SHOPS, shop(platform="kuaishou"), ACTOR)

    with (
        pytest.raises(InvalidEntity, match="differs from shop") as err,
        store.session() as session,
    ):
        crud.create(session, CAMPAIGNS, campaign(s.id, platform="douyin"), ACTOR)
    assert err.value.field == "platform"


def test_a_copy_stays_in_its_origins_shop(store: Store) -> None:
    with store.session() as session:
        w = seed(session)
        other = crud.create(session, SHOPS, shop(), ACTOR)
        copy = crud.create(
            session, CAMPAIGNS, campaign(w.shop, origin_campaign_id=w.campaign), ACTOR
        )
        assert copy.origin_campaign_id == w.campaign

    with pytest.raises(InvalidEntity) as err, store.session() as session:
        crud.create(session, CAMPAIGNS, campaign(other.id, origin_campaign_id=w.campaign), ACTOR)
    assert err.value.field == "origin_campaign_id"


def test_the_database_refuses_negative_money_too(store: Store) -> None:
    with store.session() as session:
        w = seed(session)

    with pytest.raises(Exception, match=r"(?i)check"), store.engine.begin() as conn:
        conn.execute(text("UPDATE products SET list_price = -1 WHERE id = :id"), {"id": w.product})


def test_find_filters_sorts_pages_and_counts(store: Store) -> None:
    with store.session() as session:
        s, other = (
            crud.create(session, SHOPS, shop(), ACTOR),
            crud.create(session, SHOPS, shop(), ACTOR),
        )
        for i, category in enumerate(["tea", "tea", "cups", "tea", "tea"]):
            crud.create(
                session, PRODUCTS, product(s.id, id=f"p{i}", category=category, stock=i), ACTOR
            )
        crud.create(session, PRODUCTS, product(other.id, category="tea"), ACTOR)

    with store.session() as session:
        filters = {"shop_id": s.id, "category": "tea"}
        rows, count = crud.find(session, PRODUCTS, filters, [("stock", True)], (2, 1))
        assert count == 4
        assert [r.id for r in rows] == ["p3", "p1"]
        rows, count = crud.find(
            session, PRODUCTS, {"category": None}, [], (500, 0), frozenset([other.id])
        )
        assert count == 1 and rows[0].shop_id == other.id


def test_find_breaks_ties_by_id(store: Store) -> None:
    with store.session() as session:
        s = crud.create(session, SHOPS, shop(), ACTOR)
        for i in (3, 1, 2):
            crud.create(session, PRODUCTS, product(s.id, id=f"t{i}", stock=5), ACTOR)

    with store.session() as session:
        rows, _ = crud.find(session, PRODUCTS, {"shop_id": s.id}, [("stock", False)], (10, 0))
        assert [r.id for r in rows] == ["t1", "t2", "t3"]


@pytest.mark.parametrize("desc", [False, True])
def test_entities_without_a_value_sort_last_either_way(store: Store, desc: bool) -> None:
    with store.session() as session:
        s = crud.create(session, SHOPS, shop(), ACTOR)
        for cpa in (None, Decimal("10"), Decimal("30")):
            crud.create(session, CAMPAIGNS, campaign(s.id, target_cpa=cpa), ACTOR)

    with store.session() as session:
        rows, _ = crud.find(session, CAMPAIGNS, {"shop_id": s.id}, [("target_cpa", desc)], (9, 0))
        cpas = [r.target_cpa for r in rows]
        assert cpas == (
            [Decimal("30"), Decimal("10"), None] if desc else [Decimal("10"), Decimal("30"), None]
        )
