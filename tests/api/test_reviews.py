"""``/v1/reviews`` in-process on both SQL backends: the queue the risk agents' verdicts
make (queued here through the store, as the worker does), read filtered and scoped, and
decided once by admins and risk analysts: recorded, audited, and on the feed as a label."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN_TOKEN, bearer, make_key
from tests.store.test_reviews import BURST, MISMATCH, oid, verdict
from warroom.schemas.decisions import Verdict
from warroom.store.db import Store
from warroom.store.reviews import queue
from warroom.streams.feed import FeedHub

ADMIN_ID = ADMIN_TOKEN.split(".")[0]


@pytest.fixture
def shop() -> str:
    """A shop of this test alone, so the session's shared store does not mix tests."""
    return f"s-{uuid.uuid4().hex[:8]}"


def put(store: Store, *verdicts: Verdict) -> None:
    with store.session() as session:
        queue(session, verdicts)


def listed(client: TestClient, **params: Any) -> tuple[list[str], int]:
    resp = client.get("/v1/reviews", params=params)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    return [r["order_id"] for r in body["data"]], body["count"]


def test_the_queue_lists_open_orders_with_their_evidence_filtered_and_paged(
    crud: TestClient, crud_store: Store, shop: str
) -> None:
    old, mid, new = oid(), oid(), oid()
    put(
        crud_store,
        verdict(old, shop=shop, ago_s=900),
        verdict(mid, "review", (MISMATCH,), shop=shop, ago_s=300),
        verdict(new, rules=(BURST, MISMATCH), shop=shop, ago_s=2),
    )

    assert listed(crud, shop_id=shop) == ([old, mid, new], 3)
    assert listed(crud, shop_id=shop, limit=1, offset=1) == ([mid], 3)
    assert listed(crud, shop_id=shop, rule=MISMATCH) == ([mid, new], 2)
    assert listed(crud, shop_id=shop, older_than_s=600) == ([old], 1)
    assert listed(crud, shop_id=shop, newer_than_s=600, older_than_s=60) == ([mid], 1)
    [first] = crud.get("/v1/reviews", params={"shop_id": shop, "limit": 1}).json()["data"]
    assert {k: first[k] for k in ("order_id", "shop_id", "outcome", "score", "status")} == {
        "order_id": old,
        "shop_id": shop,
        "outcome": "hold",
        "score": 60,
        "status": "open",
    }
    assert first["rules"] == [BURST] and first["verdict"]["hits"][0]["rule_id"] == BURST
    assert crud.get(f"/v1/reviews/{new}").json()["rules"] == [MISMATCH, BURST]


def wait_for_feed(feed: FeedHub, key: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in list(feed.recent):
            if item.record.get("key") == key:
                return item.record
        time.sleep(0.05)
    raise AssertionError(f"{key} never reached the feed")


def test_confirming_fraud_records_who_audits_and_feeds_the_label(
    crud: TestClient, crud_store: Store, shop: str
) -> None:
    o = oid()
    put(crud_store, verdict(o, shop=shop))

    resp = crud.post(f"/v1/reviews/{o}", json={"action": "confirm_fraud", "note": "one IP"})

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["status"], body["decided_by"], body["note"]) == (
        "confirmed_fraud",
        ADMIN_ID,
        "one IP",
    )
    assert body["decided_at"] is not None
    assert listed(crud, shop_id=shop) == ([], 0)
    assert listed(crud, shop_id=shop, status="confirmed_fraud") == ([o], 1)
    assert listed(crud, shop_id=shop, status="any") == ([o], 1)
    audit = crud.get("/v1/audit", params={"resource": "review", "resource_id": o}).json()
    assert [(e["action"], e["actor"], e["shop_id"]) for e in audit["data"]] == [
        ("confirm_fraud", ADMIN_ID, shop)
    ]
    feed: FeedHub = crud.app.state.runtime.feed  # type: ignore[attr-defined]
    label = wait_for_feed(feed, f"{o}|review")
    assert (label["kind"], label["label"], label["decided_by"]) == ("review", "fraud", ADMIN_ID)
    assert f"shop:{shop}" in label["entities"] and f"order:{o}" in label["entities"]


def test_an_order_is_decided_once_an_unknown_one_is_404(
    crud: TestClient, crud_store: Store, shop: str
) -> None:
    o = oid()
    put(crud_store, verdict(o, "review", shop=shop))
    assert crud.post(f"/v1/reviews/{o}", json={"action": "release"}).status_code == 200

    again = crud.post(f"/v1/reviews/{o}", json={"action": "confirm_fraud"})

    assert again.status_code == 409
    assert f"already released by {ADMIN_ID}" in again.json()["detail"]
    assert crud.get(f"/v1/reviews/{o}").json()["status"] == "released"
    missing = crud.post(f"/v1/reviews/{oid()}", json={"action": "release"})
    assert missing.status_code == 404 and "not in the review queue" in missing.json()["detail"]
    assert crud.get(f"/v1/reviews/{oid()}").status_code == 404


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"action": "approve"}, ["body", "action"]),
        ({}, ["body", "action"]),
        ({"action": "release", "note": "x" * 1001}, ["body", "note"]),
        ({"action": "release", "reason": "typo"}, ["body", "reason"]),
    ],
)
def test_a_bad_decision_is_a_422_naming_the_field(
    crud: TestClient, crud_store: Store, shop: str, body: dict[str, Any], loc: list[str]
) -> None:
    o = oid()
    put(crud_store, verdict(o, shop=shop))

    resp = crud.post(f"/v1/reviews/{o}", json=body)

    assert resp.status_code == 422
    assert [e["loc"] for e in resp.json()["detail"]] == [loc]
    assert crud.get(f"/v1/reviews/{o}").json()["status"] == "open"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"older_than_s": -1}, "older_than_s"), ({"status": "closed"}, "status")],
)
def test_a_bad_filter_is_a_422_naming_it(
    crud: TestClient, params: dict[str, Any], field: str
) -> None:
    resp = crud.get("/v1/reviews", params=params)
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"] == ["query", field]


def test_a_risk_key_of_another_shop_neither_sees_nor_decides(
    crud: TestClient, crud_store: Store, shop: str
) -> None:
    mine, theirs = oid(), oid()
    other = f"{shop}-other"
    put(crud_store, verdict(mine, shop=shop), verdict(theirs, shop=other))
    risk = bearer(make_key(crud_store, "risk", [other]))

    seen = crud.get("/v1/reviews", headers=risk).json()
    assert [r["order_id"] for r in seen["data"]] == [theirs] and seen["count"] == 1
    assert crud.get("/v1/reviews", params={"shop_id": shop}, headers=risk).status_code == 403
    assert crud.get(f"/v1/reviews/{mine}", headers=risk).status_code == 403
    refused = crud.post(f"/v1/reviews/{mine}", json={"action": "release"}, headers=risk)
    assert refused.status_code == 403
    assert crud.get(f"/v1/reviews/{mine}").json()["status"] == "open"
    decided = crud.post(f"/v1/reviews/{theirs}", json={"action": "release"}, headers=risk)
    assert decided.status_code == 200 and decided.json()["status"] == "released"
