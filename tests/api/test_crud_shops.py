"""``/v1/shops`` over HTTP: the full lifecycle, validation, lists, concurrency, restrict."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import field_errors, make, product, shop, uid

pytestmark = pytest.mark.integration


def test_create_read_update_delete(crud: TestClient) -> None:
    body = shop(name="West Lake Tea", time_zone="Asia/Urumqi")

    created = make(crud, "shops", body)

    assert created == {
        **body,
        "currency": "CNY",
        "version": 1,
        "created_at": created["created_at"],
        "updated_at": created["created_at"],
    }
    assert datetime.fromisoformat(created["created_at"]).utcoffset() is not None
    assert crud.get(f"/v1/shops/{body['id']}").json() == created

    resp = crud.patch(f"/v1/shops/{body['id']}", json={"version": 1, "name": "West Lake Tea 2"})
    assert resp.status_code == 200
    assert resp.json()["name"] == "West Lake Tea 2" and resp.json()["version"] == 2
    assert resp.json()["updated_at"] > created["updated_at"]

    assert crud.delete(f"/v1/shops/{body['id']}").status_code == 204
    assert crud.get(f"/v1/shops/{body['id']}").status_code == 404


def test_an_existing_id_is_409(crud: TestClient) -> None:
    body = make(crud, "shops", shop())

    resp = crud.post("/v1/shops", json=shop(id=body["id"]))

    assert resp.status_code == 409
    assert resp.json()["detail"] == f"shop '{body['id']}' already exists"


def test_a_missing_shop_is_404(crud: TestClient) -> None:
    for resp in (
        crud.get("/v1/shops/nope"),
        crud.patch("/v1/shops/nope", json={"version": 1, "name": "x"}),
        crud.delete("/v1/shops/nope"),
    ):
        assert resp.status_code == 404
        assert resp.json()["detail"] == "shop 'nope' does not exist"


def test_validation_errors_name_every_field(crud: TestClient) -> None:
    bad = {"id": "a/b", "name": "", "platform": "tiktok", "time_zone": "Mars/Olympus", "x": 1}

    errors = field_errors(crud.post("/v1/shops", json={**bad, "currency": "yuan"}))

    assert set(errors) == {
        ("body", "id"),
        ("body", "name"),
        ("body", "platform"),
        ("body", "time_zone"),
        ("body", "currency"),
        ("body", "x"),
    }
    assert "unknown IANA time zone 'Mars/Olympus'" in errors[("body", "time_zone")]


def test_ids_are_1_to_64_characters(crud: TestClient) -> None:
    assert ("body", "id") in field_errors(crud.post("/v1/shops", json=shop(id="")))
    assert ("body", "id") in field_errors(crud.post("/v1/shops", json=shop(id="x" * 65)))
    assert make(crud, "shops", shop(id="8812" + uid("")[1:]))["id"].startswith("8812")


def test_patch_validates_the_result_and_refuses_immutable_fields(crud: TestClient) -> None:
    body = make(crud, "shops", shop())
    url = f"/v1/shops/{body['id']}"

    assert field_errors(crud.patch(url, json={"version": 1, "name": None})) == {
        ("body", "name"): "Input should be a valid string"
    }
    assert ("body", "platform") in field_errors(
        crud.patch(url, json={"version": 1, "platform": "kuaishou"})
    )
    assert ("body", "version") in field_errors(crud.patch(url, json={"name": "no version"}))
    assert crud.get(url).json()["version"] == 1


def test_a_stale_version_is_409_with_the_current_version(crud: TestClient) -> None:
    body = make(crud, "shops", shop())
    url = f"/v1/shops/{body['id']}"
    assert crud.patch(url, json={"version": 1, "name": "first"}).status_code == 200

    resp = crud.patch(url, json={"version": 1, "name": "second"})

    assert resp.status_code == 409
    assert resp.json()["current_version"] == 2
    assert "changed since version 1" in resp.json()["detail"]
    assert crud.get(url).json()["name"] == "first"


def test_concurrent_updates_of_one_version_let_exactly_one_through(crud: TestClient) -> None:
    body = make(crud, "shops", shop())
    url = f"/v1/shops/{body['id']}"
    names = [f"writer {i}" for i in range(8)]

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: crud.patch(url, json={"version": 1, "name": n}), names))

    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [409] * 7
    [winner] = [r.json()["name"] for r in answers if r.status_code == 200]
    got = crud.get(url).json()
    assert (got["name"], got["version"]) == (winner, 2)
    audit = crud.get("/v1/audit", params={"resource_id": body["id"], "action": "update"}).json()
    assert audit["count"] == 1 and audit["data"][0]["after"]["name"] == winner


def test_a_delete_at_a_stale_version_is_409(crud: TestClient) -> None:
    body = make(crud, "shops", shop())
    crud.patch(f"/v1/shops/{body['id']}", json={"version": 1, "name": "renamed"})

    resp = crud.delete(f"/v1/shops/{body['id']}", params={"version": 1})

    assert resp.status_code == 409 and resp.json()["current_version"] == 2
    assert crud.delete(f"/v1/shops/{body['id']}", params={"version": 2}).status_code == 204


def test_deleting_a_shop_with_products_is_409_naming_them(crud: TestClient) -> None:
    s = make(crud, "shops", shop())
    p = make(crud, "products", product(s["id"]))

    resp = crud.delete(f"/v1/shops/{s['id']}")

    assert resp.status_code == 409
    assert resp.json()["detail"] == f"shop '{s['id']}' is still referenced by products '{p['id']}'"
    assert crud.get(f"/v1/shops/{s['id']}").status_code == 200


def test_list_envelope_pages_sorts_and_filters(crud: TestClient) -> None:
    tag = uid("list")
    for i, platform in enumerate(["douyin", "kuaishou", "douyin", "douyin", "kuaishou"]):
        make(crud, "shops", shop(id=f"{tag}-{i}", name=f"{tag} {4 - i}", platform=platform))

    def mine(page: dict[str, Any]) -> list[str]:
        return [s["id"] for s in page["data"] if s["id"].startswith(tag)]

    page = crud.get("/v1/shops", params={"limit": 500, "sort": "name"}).json()
    assert set(page) == {"data", "count"} and page["count"] >= 5
    assert mine(page) == [f"{tag}-{i}" for i in (4, 3, 2, 1, 0)]

    page = crud.get("/v1/shops", params={"platform": "kuaishou", "sort": "-name", "limit": 500})
    assert mine(page.json()) == [f"{tag}-1", f"{tag}-4"]
    assert all(s["platform"] == "kuaishou" for s in page.json()["data"])

    everything = crud.get("/v1/shops", params={"limit": 500, "sort": "-created_at,id"}).json()
    first = crud.get("/v1/shops", params={"limit": 2, "offset": 0, "sort": "-created_at,id"})
    second = crud.get("/v1/shops", params={"limit": 2, "offset": 2, "sort": "-created_at,id"})
    assert first.json()["count"] == second.json()["count"] == everything["count"]
    assert first.json()["data"] + second.json()["data"] == everything["data"][:4]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"sort": "name,colour"}, ("query", "sort")),
        ({"limit": 501}, ("query", "limit")),
        ({"limit": 0}, ("query", "limit")),
        ({"offset": -1}, ("query", "offset")),
        ({"platform": "tiktok"}, ("query", "platform")),
    ],
)
def test_bad_list_parameters_are_422_naming_them(
    crud: TestClient, params: dict[str, object], loc: tuple[str, str]
) -> None:
    errors = field_errors(crud.get("/v1/shops", params=params))

    assert loc in errors
    if "sort" in params:
        assert errors[loc] == (
            "cannot sort by 'colour'; sort by id, name, platform, created_at, updated_at"
        )
