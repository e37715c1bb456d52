"""``/v1/products`` over HTTP: money, references, filters, and who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import campaign, creative, field_errors, make, product, shop, uid
from tests.auth import bearer, make_key
from warroom.store.db import Store

pytestmark = pytest.mark.integration


@pytest.fixture
def shop_id(crud: TestClient) -> str:
    return str(make(crud, "shops", shop())["id"])


def test_money_is_exact_to_four_decimals(crud: TestClient, shop_id: str) -> None:
    body = product(shop_id, list_price="0.0001", cost_price="123456789.5")

    created = make(crud, "products", body)

    assert (created["list_price"], created["cost_price"]) == ("0.0001", "123456789.5000")
    got = crud.get(f"/v1/products/{body['id']}").json()
    assert (got["list_price"], got["cost_price"], got["shop_id"]) == (
        "0.0001",
        "123456789.5000",
        shop_id,
    )


@pytest.mark.parametrize(
    ("over", "loc"),
    [
        ({"list_price": "-1"}, ("body", "list_price")),
        ({"cost_price": "1.00001"}, ("body", "cost_price")),
        ({"list_price": "NaN"}, ("body", "list_price")),
        ({"stock": -1}, ("body", "stock")),
        ({"title": ""}, ("body", "title")),
        ({"category": "c" * 65}, ("body", "category")),
    ],
)
def test_invalid_values_name_their_field(
    crud: TestClient, shop_id: str, over: dict[str, Any], loc: tuple[str, ...]
) -> None:
    assert loc in field_errors(crud.post("/v1/products", json=product(shop_id, **over)))


def test_a_product_of_a_missing_shop_is_422_naming_shop_id(crud: TestClient) -> None:
    resp = crud.post("/v1/products", json=product("no-such-shop"))

    assert resp.status_code == 422
    assert resp.json() == {"detail": "shop 'no-such-shop' does not exist", "field": "shop_id"}


def test_patch_changes_prices_and_keeps_the_shop(crud: TestClient, shop_id: str) -> None:
    p = make(crud, "products", product(shop_id))
    url = f"/v1/products/{p['id']}"

    resp = crud.patch(url, json={"version": 1, "list_price": "49.9", "stock": 0})

    assert resp.status_code == 200
    assert (resp.json()["list_price"], resp.json()["stock"]) == ("49.9000", 0)
    assert ("body", "shop_id") in field_errors(crud.patch(url, json={"version": 2, "shop_id": "x"}))


def test_list_filters_by_shop_and_category_and_sorts_by_price(
    crud: TestClient, shop_id: str
) -> None:
    for price, category in [("5", "tea"), ("50", "cups"), ("15", "tea"), ("25", "tea")]:
        make(crud, "products", product(shop_id, list_price=price, category=category))

    page = crud.get(
        "/v1/products", params={"shop_id": shop_id, "category": "tea", "sort": "-list_price"}
    ).json()

    assert page["count"] == 3
    assert [p["list_price"] for p in page["data"]] == ["25.0000", "15.0000", "5.0000"]


def test_deleting_a_product_a_creative_uses_is_409(crud: TestClient, shop_id: str) -> None:
    p = make(crud, "products", product(shop_id))
    c = make(crud, "campaigns", campaign(shop_id))
    v = make(crud, "creatives", creative(c["id"], p["id"]))

    resp = crud.delete(f"/v1/products/{p['id']}")

    assert resp.status_code == 409
    assert resp.json()["detail"] == (
        f"product '{p['id']}' is still referenced by creatives '{v['id']}'"
    )


# -- roles and shop scopes -----------------------------------------------------------------


def test_a_buyer_works_within_its_shops_only(
    crud: TestClient, crud_store: Store, shop_id: str
) -> None:
    other = make(crud, "shops", shop())["id"]
    theirs = make(crud, "products", product(other))
    buyer = bearer(make_key(crud_store, "buyer", shops=[shop_id]))

    mine = crud.post("/v1/products", json=product(shop_id), headers=buyer)
    assert mine.status_code == 201
    assert crud.post("/v1/products", json=product(other), headers=buyer).status_code == 403
    assert crud.get(f"/v1/products/{theirs['id']}", headers=buyer).status_code == 403
    patch = {"version": 1, "stock": 1}
    assert crud.patch(f"/v1/products/{theirs['id']}", json=patch, headers=buyer).status_code == 403
    assert crud.delete(f"/v1/products/{theirs['id']}", headers=buyer).status_code == 403

    listed = crud.get("/v1/products", params={"limit": 500}, headers=buyer).json()
    assert {p["shop_id"] for p in listed["data"]} == {shop_id}
    assert listed["count"] == len(listed["data"]) == 1
    shops = crud.get("/v1/shops", params={"limit": 500}, headers=buyer).json()
    assert [s["id"] for s in shops["data"]] == [shop_id] and shops["count"] == 1


@pytest.mark.parametrize("role", ["viewer", "risk"])
def test_readers_read_but_do_not_write(
    crud: TestClient, crud_store: Store, shop_id: str, role: str
) -> None:
    p = make(crud, "products", product(shop_id))
    key = bearer(make_key(crud_store, role))

    assert crud.get(f"/v1/products/{p['id']}", headers=key).status_code == 200
    assert crud.get("/v1/products", headers=key).status_code == 200
    assert crud.post("/v1/products", json=product(shop_id), headers=key).status_code == 403
    patch = {"version": 1, "stock": 1}
    assert crud.patch(f"/v1/products/{p['id']}", json=patch, headers=key).status_code == 403
    assert crud.delete(f"/v1/products/{p['id']}", headers=key).status_code == 403


def test_an_ingest_key_cannot_read_entities(crud: TestClient, crud_store: Store) -> None:
    key = bearer(make_key(crud_store, "ingest"))

    for path in ("/v1/shops", "/v1/products", "/v1/creators", "/v1/campaigns", "/v1/audit"):
        assert crud.get(path, headers=key).status_code == 403


def test_no_key_is_401(crud: TestClient) -> None:
    resp = crud.get("/v1/products", headers={"authorization": ""})

    assert resp.status_code == 401
    assert (
        crud.post("/v1/products", json=product(uid("s")), headers={"authorization": ""}).status_code
        == 401
    )
