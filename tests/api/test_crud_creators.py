"""``/v1/creators`` over HTTP: fan profiles are distributions, and only admins write."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import campaign, creative, creator, field_errors, make, product, shop
from tests.auth import bearer, make_key
from warroom.store.db import Store

pytestmark = pytest.mark.integration

PROFILE = {
    "gender": {"f": 0.62, "m": 0.36, "u": 0.02},
    "age_band": {"18-23": 0.2, "24-30": 0.35, "31-40": 0.3, "41-50": 0.15},
    "spending_power": {"2": 0.2, "3": 0.45, "4": 0.25, "5": 0.1},
    "category": {"tea": 0.6, "snacks": 0.4},
}


def test_a_creator_with_a_fan_profile_round_trips(crud: TestClient) -> None:
    body = creator(fan_count=1_250_000, fan_profile=PROFILE, home_city="Hangzhou")

    created = make(crud, "creators", body)

    assert created["fan_profile"] == PROFILE
    assert crud.get(f"/v1/creators/{body['id']}").json() == created


def test_shares_may_miss_one_by_a_hundredth(crud: TestClient) -> None:
    nearly = {**PROFILE, "gender": {"f": 0.6, "m": 0.395}}

    assert make(crud, "creators", creator(fan_profile=nearly))["fan_profile"] == nearly


@pytest.mark.parametrize(
    ("part", "shares", "loc"),
    [
        ("gender", {"f": 0.5, "m": 0.3}, ("body", "fan_profile", "gender")),
        ("age_band", {"24-30": 1.2}, ("body", "fan_profile", "age_band", "24-30")),
        ("spending_power", {"9": 1.0}, ("body", "fan_profile", "spending_power", "9", "[key]")),
        ("category", {}, ("body", "fan_profile", "category")),
    ],
)
def test_a_bad_distribution_names_its_path(
    crud: TestClient, part: str, shares: dict[str, float], loc: tuple[str, ...]
) -> None:
    body = creator(fan_profile={**PROFILE, part: shares})

    errors = field_errors(crud.post("/v1/creators", json=body))

    assert loc in errors
    if part == "gender":
        assert errors[loc] == "Value error, shares sum to 0.8; they must sum to 1 (± 0.01)"


def test_patch_replaces_the_profile_and_can_clear_it(crud: TestClient) -> None:
    c = make(crud, "creators", creator(fan_profile=PROFILE))
    url = f"/v1/creators/{c['id']}"
    new: dict[str, Any] = {**PROFILE, "category": {"kitchen": 1.0}}

    assert crud.patch(url, json={"version": 1, "fan_profile": new}).json()["fan_profile"] == new
    cleared = crud.patch(url, json={"version": 2, "fan_profile": None}).json()
    assert cleared["fan_profile"] is None and cleared["version"] == 3


def test_list_filters_by_platform_and_city(crud: TestClient) -> None:
    city = f"City {creator()['id']}"
    for platform in ("douyin", "kuaishou", "kuaishou"):
        make(crud, "creators", creator(platform=platform, home_city=city))

    page = crud.get("/v1/creators", params={"home_city": city, "platform": "kuaishou"}).json()

    assert page["count"] == 2 and {c["platform"] for c in page["data"]} == {"kuaishou"}


def test_a_creator_in_a_creative_cannot_be_deleted(crud: TestClient) -> None:
    s = make(crud, "shops", shop())
    p = make(crud, "products", product(s["id"]))
    m = make(crud, "campaigns", campaign(s["id"]))
    c = make(crud, "creators", creator())
    v = make(crud, "creatives", creative(m["id"], p["id"], creator_id=c["id"]))

    resp = crud.delete(f"/v1/creators/{c['id']}")

    assert resp.status_code == 409
    assert resp.json()["detail"] == (
        f"creator '{c['id']}' is still referenced by creatives '{v['id']}'"
    )


def test_only_admins_write_creators_and_every_reader_sees_them(
    crud: TestClient, crud_store: Store
) -> None:
    c = make(crud, "creators", creator())
    buyer = bearer(make_key(crud_store, "buyer", shops=["some-shop"]))

    assert crud.post("/v1/creators", json=creator(), headers=buyer).status_code == 403
    patch = {"version": 1, "fan_count": 1}
    assert crud.patch(f"/v1/creators/{c['id']}", json=patch, headers=buyer).status_code == 403
    assert crud.get(f"/v1/creators/{c['id']}", headers=buyer).status_code == 200
