"""``/v1/creatives`` over HTTP: a creative belongs to its campaign's shop."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import campaign, creative, creator, field_errors, make, product, shop
from tests.auth import bearer, make_key
from warroom.store.db import Store

pytestmark = pytest.mark.integration


@pytest.fixture
def plan(crud: TestClient) -> dict[str, str]:
    """A shop with a product and a campaign."""
    s = make(crud, "shops", shop())["id"]
    return {
        "shop": s,
        "product": make(crud, "products", product(s))["id"],
        "campaign": make(crud, "campaigns", campaign(s))["id"],
    }


def test_a_creative_takes_its_campaigns_shop(crud: TestClient, plan: dict[str, str]) -> None:
    c = make(crud, "creators", creator())
    body = creative(plan["campaign"], plan["product"], creator_id=c["id"])

    created = make(crud, "creatives", body)

    assert created["shop_id"] == plan["shop"] and created["creator_id"] == c["id"]
    listed = crud.get("/v1/creatives", params={"campaign_id": plan["campaign"]}).json()
    assert listed == {"data": [created], "count": 1}


def test_references_to_nothing_are_422_naming_the_field(
    crud: TestClient, plan: dict[str, str]
) -> None:
    for over, field in [
        ({"campaign_id": "ghost"}, "campaign_id"),
        ({"product_id": "ghost"}, "product_id"),
        ({"creator_id": "ghost"}, "creator_id"),
    ]:
        body = {**creative(plan["campaign"], plan["product"]), **over}
        resp = crud.post("/v1/creatives", json=body)
        assert resp.status_code == 422
        assert resp.json() == {"detail": f"{field[:-3]} 'ghost' does not exist", "field": field}


def test_a_product_of_another_shop_is_refused(crud: TestClient, plan: dict[str, str]) -> None:
    other = make(crud, "shops", shop())["id"]
    foreign = make(crud, "products", product(other))["id"]

    resp = crud.post("/v1/creatives", json=creative(plan["campaign"], foreign))
    assert resp.status_code == 422 and resp.json()["field"] == "product_id"

    v = make(crud, "creatives", creative(plan["campaign"], plan["product"]))
    resp = crud.patch(f"/v1/creatives/{v['id']}", json={"version": 1, "product_id": foreign})
    assert resp.status_code == 422 and resp.json()["field"] == "product_id"


def test_patch_and_delete(crud: TestClient, plan: dict[str, str]) -> None:
    v = make(crud, "creatives", creative(plan["campaign"], plan["product"]))
    url = f"/v1/creatives/{v['id']}"

    paused = crud.patch(url, json={"version": 1, "status": "paused", "video_length_s": 15})
    assert (paused.json()["status"], paused.json()["video_length_s"]) == ("paused", 15)
    assert ("body", "video_length_s") in field_errors(
        crud.patch(url, json={"version": 2, "video_length_s": 0})
    )
    assert ("body", "campaign_id") in field_errors(
        crud.patch(url, json={"version": 2, "campaign_id": "other"})
    )
    assert crud.delete(url).status_code == 204
    assert crud.delete(f"/v1/campaigns/{plan['campaign']}").status_code == 204


def test_a_buyer_may_add_creatives_to_its_own_campaigns_only(
    crud: TestClient, crud_store: Store, plan: dict[str, str]
) -> None:
    buyer = bearer(make_key(crud_store, "buyer", shops=[plan["shop"]]))
    other = make(crud, "shops", shop())["id"]
    theirs = make(crud, "campaigns", campaign(other))["id"]

    own = crud.post(
        "/v1/creatives", json=creative(plan["campaign"], plan["product"]), headers=buyer
    )
    assert own.status_code == 201
    body = creative(theirs, plan["product"])
    assert crud.post("/v1/creatives", json=body, headers=buyer).status_code == 403
    listed = crud.get("/v1/creatives", params={"limit": 500}, headers=buyer).json()
    assert {c["shop_id"] for c in listed["data"]} == {plan["shop"]}
