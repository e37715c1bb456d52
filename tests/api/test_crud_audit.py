"""``GET /v1/audit`` over HTTP: every change is there, filterable, and nothing can change it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api.commerce import make, product, shop
from tests.auth import ADMIN_TOKEN, bearer, make_key
from warroom.store.db import Store

pytestmark = pytest.mark.integration

ADMIN_ID = ADMIN_TOKEN.partition(".")[0]


def test_create_update_delete_are_audited_with_before_and_after(crud: TestClient) -> None:
    s = make(crud, "shops", shop())
    p = make(crud, "products", product(s["id"]))
    crud.patch(f"/v1/products/{p['id']}", json={"version": 1, "stock": 7})
    crud.delete(f"/v1/products/{p['id']}")

    page = crud.get("/v1/audit", params={"resource": "product", "resource_id": p["id"]}).json()

    assert page["count"] == 3
    deleted, updated, created = page["data"]  # newest first
    assert [e["action"] for e in page["data"]] == ["delete", "update", "create"]
    assert {e["actor"] for e in page["data"]} == {ADMIN_ID}
    assert {e["shop_id"] for e in page["data"]} == {s["id"]}
    assert created["before"] is None and created["after"]["stock"] == 100
    assert (updated["before"]["stock"], updated["after"]["stock"]) == (100, 7)
    assert updated["after"]["version"] == 2
    assert deleted["before"] == updated["after"] and deleted["after"] is None
    assert datetime.fromisoformat(created["at"]).utcoffset() == timedelta(0)


def test_filters_by_shop_action_actor_and_time(crud: TestClient) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    s = make(crud, "shops", shop())
    for _ in range(3):
        make(crud, "products", product(s["id"]))

    def count(**params: str) -> int:
        page = crud.get("/v1/audit", params={"shop_id": s["id"], **params}).json()
        total: int = page["count"]
        return total

    assert count() == 4
    assert count(action="create", resource="product") == 3
    assert count(actor=ADMIN_ID) == 4 and count(actor="wk_nobody") == 0
    assert count(since=before.isoformat()) == 4
    assert count(until=before.isoformat()) == 0
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert count(since=later) == 0
    page = crud.get("/v1/audit", params={"shop_id": s["id"], "limit": 2, "offset": 1}).json()
    assert page["count"] == 4 and len(page["data"]) == 2


def test_a_scoped_key_sees_its_shops_entries_only(crud: TestClient, crud_store: Store) -> None:
    mine, theirs = make(crud, "shops", shop())["id"], make(crud, "shops", shop())["id"]
    viewer = bearer(make_key(crud_store, "viewer", shops=[mine]))

    page = crud.get("/v1/audit", params={"limit": 500}, headers=viewer).json()

    assert {e["shop_id"] for e in page["data"]} == {mine}
    assert crud.get("/v1/audit", params={"shop_id": theirs}, headers=viewer).status_code == 403


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_audit_log_cannot_be_changed(crud: TestClient, method: str) -> None:
    assert crud.request(method, "/v1/audit", json={}).status_code == 405
    assert crud.request(method, "/v1/audit/1", json={}).status_code in (404, 405)
