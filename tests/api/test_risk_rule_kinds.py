"""The risk rules beyond the IP burst through /v1/rules: seeded live, tunable, validated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

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
            "data_dir": tmp_path_factory.mktemp("risk-kinds"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    with TestClient(create_api(settings, broker), headers=ADMIN) as c:
        yield c


def test_the_new_risk_rules_are_seeded_live_with_their_modes(client: TestClient) -> None:
    rules = {r["id"]: r for r in client.get("/v1/rules", params={"family": "risk"}).json()["data"]}

    modes = {
        rule_id: (rules[rule_id]["live_version"], rules[rule_id]["draft"]["mode"])
        for rule_id in (
            "risk.same_device_burst",
            "risk.same_user_burst",
            "risk.price_deviation",
            "risk.night_surge",
            "risk.payment_failures",
        )
    }
    assert modes == {
        "risk.same_device_burst": (1, "enforce"),
        "risk.same_user_burst": (1, "enforce"),
        "risk.price_deviation": (1, "enforce"),
        "risk.night_surge": (1, "shadow"),
        "risk.payment_failures": (1, "enforce"),
    }
    assert rules["risk.price_deviation"]["draft"]["params"]["max_below_pct"] == 30.0
    assert rules["risk.night_surge"]["draft"]["params"]["start"] == "02:00:00"


def test_a_tuned_threshold_is_published_as_the_next_version(client: TestClient) -> None:
    url = "/v1/rules/risk.price_deviation"
    rule = client.get(url).json()
    draft = {**rule["draft"], "params": {**rule["draft"]["params"], "max_below_pct": 45}}

    edited = client.patch(url, json={"revision": rule["revision"], "draft": draft})
    published = client.post(f"{url}/publish", json={"note": "flash sale discounts"})

    assert (edited.status_code, published.status_code) == (200, 201), published.text
    assert published.json()["version"] == 2
    assert published.json()["body"]["params"]["max_below_pct"] == 45.0


@pytest.mark.parametrize(
    ("kind", "params", "field", "message"),
    [
        ("night_surge", {"factor": 0}, "draft.params.factor", "greater than or equal to 1"),
        ("night_surge", {"start": "02:00", "end": "02:00"}, "draft.params", "must differ"),
        ("price_deviation", {"max_below_pct": 120}, "draft.params.max_below_pct", "100"),
        (
            "same_user_burst",
            {"max_orders": 0},
            "draft.params.max_orders",
            "greater than or equal to 1",
        ),
        ("payment_failures", {"window_s": 0}, "draft.params.window_s", "1"),
    ],
)
def test_bad_parameters_are_refused_on_create_and_on_edit(
    client: TestClient, kind: str, params: dict[str, object], field: str, message: str
) -> None:
    created = client.post(
        "/v1/rules",
        json={"id": f"risk.t-{uuid.uuid4().hex[:6]}", "kind": kind, "draft": {"params": params}},
    )
    rule = client.get(f"/v1/rules/risk.{kind}").json()  # the built-in of that kind
    edited = client.patch(
        f"/v1/rules/{rule['id']}",
        json={"revision": rule["revision"], "draft": {"mode": "enforce", "params": params}},
    )

    for resp in (created, edited):
        assert resp.status_code == 422, resp.text
        assert resp.json()["field"] == field
        assert message in resp.json()["detail"]
