"""``/v1/campaigns`` over HTTP: budgets and caps, platforms, copies, filters."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import campaign, field_errors, make, shop

pytestmark = pytest.mark.integration


@pytest.fixture
def shop_id(crud: TestClient) -> str:
    return str(make(crud, "shops", shop())["id"])


def test_a_campaign_round_trips(crud: TestClient, shop_id: str) -> None:
    body = campaign(shop_id, target_roi="2.5", objective="gmv")

    created = make(crud, "campaigns", body)

    assert created["status"] == "active" and created["origin_campaign_id"] is None
    assert (created["daily_budget"], created["target_roi"]) == ("3000.0000", "2.5000")
    assert crud.get(f"/v1/campaigns/{body['id']}").json() == created


def test_the_cap_must_cover_the_budget_on_create_and_after_a_patch(
    crud: TestClient, shop_id: str
) -> None:
    errors = field_errors(crud.post("/v1/campaigns", json=campaign(shop_id, budget_cap="10")))
    assert errors == {
        ("body", "budget_cap"): "Value error, budget cap 10 is below the daily budget 3000"
    }

    c = make(crud, "campaigns", campaign(shop_id))
    resp = crud.patch(f"/v1/campaigns/{c['id']}", json={"version": 1, "daily_budget": "20000"})
    assert ("body", "budget_cap") in field_errors(resp)
    ok = crud.patch(
        f"/v1/campaigns/{c['id']}",
        json={"version": 1, "daily_budget": "20000", "budget_cap": "20000"},
    )
    assert ok.status_code == 200 and ok.json()["daily_budget"] == "20000.0000"


def test_a_campaign_runs_on_its_shops_platform(crud: TestClient) -> None:
    s = make(crud, "shops", shop(platform="kuaishou"))

    resp = crud.post("/v1/campaigns", json=campaign(s["id"], platform="douyin"))

    assert resp.status_code == 422
    assert resp.json()["field"] == "platform"


@pytest.mark.parametrize(
    ("field", "value"),
    [("objective", "fame"), ("status", "deleted"), ("bid", "-0.1"), ("target_cpa", "abc")],
)
def test_invalid_values_name_their_field(
    crud: TestClient, shop_id: str, field: str, value: str
) -> None:
    errors = field_errors(crud.post("/v1/campaigns", json=campaign(shop_id, **{field: value})))

    assert ("body", field) in errors


def test_pause_and_resume(crud: TestClient, shop_id: str) -> None:
    c = make(crud, "campaigns", campaign(shop_id))
    url = f"/v1/campaigns/{c['id']}"

    assert crud.patch(url, json={"version": 1, "status": "paused"}).json()["status"] == "paused"
    resumed = crud.patch(url, json={"version": 2, "status": "active"}).json()
    assert (resumed["status"], resumed["version"]) == ("active", 3)


def test_a_copy_points_at_its_origin_which_then_cannot_be_deleted(
    crud: TestClient, shop_id: str
) -> None:
    origin = make(crud, "campaigns", campaign(shop_id))
    copy = make(crud, "campaigns", campaign(shop_id, origin_campaign_id=origin["id"]))

    listed = crud.get("/v1/campaigns", params={"origin_campaign_id": origin["id"]}).json()
    assert [c["id"] for c in listed["data"]] == [copy["id"]]
    resp = crud.delete(f"/v1/campaigns/{origin['id']}")
    assert resp.status_code == 409
    assert resp.json()["detail"] == (
        f"campaign '{origin['id']}' is still referenced by copies '{copy['id']}'"
    )


def test_a_copy_of_a_missing_campaign_is_422(crud: TestClient, shop_id: str) -> None:
    resp = crud.post("/v1/campaigns", json=campaign(shop_id, origin_campaign_id="ghost"))

    assert resp.status_code == 422 and resp.json()["field"] == "origin_campaign_id"


def test_list_filters_by_shop_status_and_platform(crud: TestClient, shop_id: str) -> None:
    for status in ("active", "paused", "paused", "ended"):
        make(crud, "campaigns", campaign(shop_id, status=status))

    def matching(**params: str) -> int:
        page = crud.get("/v1/campaigns", params={"shop_id": shop_id, **params}).json()
        count: int = page["count"]
        assert count == len(page["data"])
        return count

    assert matching() == 4
    assert matching(status="paused") == 2
    assert matching(status="paused", platform="kuaishou") == 0
    page = crud.get("/v1/campaigns", params={"shop_id": shop_id, "sort": "status,-id"}).json()
    assert [c["status"] for c in page["data"]] == ["active", "ended", "paused", "paused"]
