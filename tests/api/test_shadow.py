"""A rule's candidate over the API: started from the draft (validated like a publish),
versioned and audited, ended by DELETE or by publishing; the shadow report."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.store.db import Store
from warroom.store.models import Rule

RULE = "/v1/rules/risk.same_ip_burst"


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("shadow"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    with TestClient(create_api(settings, broker), headers=ADMIN) as c:
        yield c


def draft_max_orders(client: TestClient, max_orders: int) -> dict[str, Any]:
    rule = client.get(RULE).json()
    draft = {"mode": "enforce", "params": {**rule["draft"]["params"], "max_orders": max_orders}}
    patched = client.patch(RULE, json={"revision": rule["revision"], "draft": draft})
    assert patched.status_code == 200, patched.text
    return dict(patched.json())


def audit_actions(client: TestClient) -> list[str]:
    audit = client.get(
        "/v1/audit", params={"resource": "rule", "resource_id": "risk.same_ip_burst"}
    )
    return [e["action"] for e in audit.json()["data"]]


def test_a_candidate_is_versioned_beside_the_live_version_and_ends(client: TestClient) -> None:
    rule = draft_max_orders(client, 8)
    started = client.post(f"{RULE}/candidate", json={"revision": rule["revision"], "note": "8?"})
    assert started.status_code == 201, started.text
    candidate = started.json()
    assert candidate["version"] > rule["live_version"]
    assert candidate["body"]["params"]["max_orders"] == 8

    now = client.get(RULE).json()
    assert (now["live_version"], now["candidate_version"]) == (
        rule["live_version"],
        candidate["version"],
    )
    report = client.get(f"{RULE}/shadow").json()
    assert (report["live_version"], report["candidate_version"]) == (
        rule["live_version"],
        candidate["version"],
    )
    assert report["events_judged_by_either"] == 0 and report["disagreements"] == []

    assert client.delete(f"{RULE}/candidate").status_code == 204
    assert client.get(RULE).json()["candidate_version"] is None
    assert client.delete(f"{RULE}/candidate").status_code == 404
    assert audit_actions(client)[:2] == ["end_candidate", "candidate"]


def test_publishing_promotes_the_draft_and_ends_the_candidate(client: TestClient) -> None:
    draft_max_orders(client, 9)
    assert client.post(f"{RULE}/candidate", json={}).status_code == 201
    published = client.post(f"{RULE}/publish", json={"note": "9 it is"})
    assert published.status_code == 201
    rule = client.get(RULE).json()
    assert (rule["live_version"], rule["candidate_version"]) == (published.json()["version"], None)
    assert published.json()["body"]["params"]["max_orders"] == 9


def test_a_candidate_is_validated_like_a_publish(client: TestClient) -> None:
    bad = client.post(f"{RULE}/candidate", json={"revision": 0})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "revision"]

    stale = client.post(f"{RULE}/candidate", json={"revision": 1})
    assert stale.status_code == 409, stale.text

    store: Store = client.app.state.runtime.store  # type: ignore[attr-defined]
    with store.session() as session:  # a draft that no longer fits (written around the API)
        rule = session.get(Rule, "risk.same_ip_burst")
        assert rule is not None
        rule.draft = {"mode": "enforce", "params": {"max_orders": 0}}
    invalid = client.post(f"{RULE}/candidate", json={})
    assert invalid.status_code == 422, invalid.text
    assert invalid.json()["field"] == "draft.params.max_orders"
    assert client.get(RULE).json()["candidate_version"] is None


def test_only_rules_whose_agents_compare_take_a_candidate(client: TestClient) -> None:
    assert client.post("/v1/rules/risk.night_surge/candidate", json={}).status_code == 409
    assert client.post("/v1/rules/risk.nope/candidate", json={}).status_code == 404
    assert client.get("/v1/rules/risk.nope/shadow").status_code == 404
