"""The rulebook API: validation with field paths, drafts, versions, concurrency, deletion."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.api.main import create_api
from warroom.settings import get_settings


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("rules"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    with TestClient(create_api(settings, broker), headers=ADMIN) as c:
        yield c


def budget(condition: str, **draft: Any) -> dict[str, Any]:
    return {
        "id": f"budget.t-{uuid.uuid4().hex[:6]}",
        "kind": "condition",
        "shop_id": "shop-1",
        "draft": {"condition": condition, "action": {"type": "pause"}, **draft},
    }


def test_the_built_in_rules_are_live_from_the_start(client: TestClient) -> None:
    rules = {r["id"]: r for r in client.get("/v1/rules", params={"family": "risk"}).json()["data"]}
    assert rules["risk.same_ip_burst"]["live_version"] == 1
    assert rules["risk.same_ip_burst"]["draft"]["params"] == {
        "max_orders": 5,
        "window_s": 60,
        "score": 60.0,
    }
    assert rules["risk.thresholds"]["draft"]["params"] == {
        "review": 30.0,
        "hold": 60.0,
        "decline": 90.0,
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            budget("spend_3m >= 2 * target_cpa"),
            "draft.condition",
            "at position 0: unknown metric 'spend_3m'; did you mean 'spend_30m'?",
        ),
        (budget("spend_30m >= "), "draft.condition", "at position 12: expected a number"),
        (budget("spend_30m + 1"), "draft.condition", "at position 0"),
        (
            budget("ctr_5m < 0.01", action={"type": "scale", "factor": 5}),
            "draft.action.scale.factor",
            "less than or equal to 3",
        ),
        (
            {"id": "risk.x1", "kind": "same_ip_burst", "draft": {"params": {"max_orders": 0}}},
            "draft.params.max_orders",
            "greater than or equal to 1",
        ),
        (
            {
                "id": "risk.x2",
                "kind": "thresholds",
                "draft": {"params": {"review": 80, "hold": 60}},
            },
            "draft.params",
            "review <= hold <= decline",
        ),
        ({"id": "risk.x3", "kind": "no_such_rule", "draft": {}}, "kind", "unknown rule kind"),
    ],
)
def test_invalid_rules_are_refused_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str, message: str
) -> None:
    resp = client.post("/v1/rules", json=body)
    assert resp.status_code == 422, resp.text
    assert resp.json()["field"] == field
    assert message in resp.json()["detail"]


def test_draft_publish_versions_and_stale_revisions(client: TestClient) -> None:
    created = client.post("/v1/rules", json=budget("ctr_5m < 0.01 and impressions_5m >= 5000"))
    assert created.status_code == 201
    rule = created.json()
    assert (rule["family"], rule["scope"], rule["live_version"]) == ("budget", "campaign", None)
    assert rule["draft"]["guardrails"]["cooldown_s"] == 1800  # defaults filled in on save

    url = f"/v1/rules/{rule['id']}"
    edited = client.patch(
        url, json={"revision": rule["revision"], "draft": {**rule["draft"], "mode": "enforce"}}
    )
    assert edited.status_code == 200
    stale = client.patch(url, json={"revision": rule["revision"], "title": "lost update"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == edited.json()["revision"]

    first = client.post(f"{url}/publish", json={"note": "go"}).json()
    second = client.post(f"{url}/publish", json={}).json()
    assert (first["version"], second["version"]) == (1, 2)
    assert first["body"]["mode"] == "enforce" and first["note"] == "go"
    listed = client.get(f"{url}/versions").json()
    assert [v["version"] for v in listed["data"]] == [1, 2] and listed["count"] == 2
    assert client.get(url).json()["live_version"] == 2
    assert client.post(f"{url}/rollback", json={"version": 7}).status_code == 404


def test_only_a_never_published_rule_can_be_deleted(client: TestClient) -> None:
    draft = client.post("/v1/rules", json=budget("roi_15m < 1")).json()
    assert client.delete(f"/v1/rules/{draft['id']}").status_code == 204
    assert client.get(f"/v1/rules/{draft['id']}").status_code == 404
    audit = client.get("/v1/audit", params={"resource": "rule", "resource_id": draft["id"]})
    assert [e["action"] for e in audit.json()["data"]] == ["delete", "create"]

    resp = client.delete("/v1/rules/risk.same_ip_burst")
    assert resp.status_code == 409
    assert "publish it with mode 'off'" in resp.json()["detail"]
