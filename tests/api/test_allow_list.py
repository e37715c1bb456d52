"""``/v1/allow-list``: add (with an optional expiry), list, delete; validated, audited,
announced to the workers on the control topic, refused to keys scoped to shops."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.auth import ADMIN, ADMIN_TOKEN, bearer, make_key
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.store.db import Store
from warroom.store.models import OutboxMessage


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("allow"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    with TestClient(create_api(settings, broker), headers=ADMIN) as c:
        yield c


def store_of(client: TestClient) -> Store:
    return client.app.state.runtime.store  # type: ignore[attr-defined,no-any-return]


def test_an_entry_is_added_listed_audited_and_deleted(client: TestClient) -> None:
    until = datetime.now(UTC) + timedelta(hours=2)
    body = {
        "rule_id": "risk.same_ip_burst",
        "entity": "ip:203.0.113.45",
        "expires_at": until.isoformat(),
        "reason": "office NAT",
    }
    added = client.post("/v1/allow-list", json=body)
    assert added.status_code == 201, added.text
    entry = added.json()
    assert (entry["rule_id"], entry["entity"], entry["active"]) == (
        "risk.same_ip_burst",
        "ip:203.0.113.45",
        True,
    )
    assert datetime.fromisoformat(entry["expires_at"]) == until

    listed = client.get("/v1/allow-list", params={"entity": "ip:203.0.113.45"}).json()
    assert [e["id"] for e in listed["data"]] == [entry["id"]] and listed["count"] == 1
    assert client.delete(f"/v1/allow-list/{entry['id']}").status_code == 204
    assert client.delete(f"/v1/allow-list/{entry['id']}").status_code == 404
    assert client.get("/v1/allow-list", params={"entity": "ip:203.0.113.45"}).json()["count"] == 0

    audit = client.get("/v1/audit", params={"resource": "allow_list", "resource_id": entry["id"]})
    actions = [a["action"] for a in audit.json()["data"]]
    assert sorted(actions) == ["create", "delete"]


def test_every_change_is_announced_to_the_workers(client: TestClient) -> None:
    entry = client.post("/v1/allow-list", json={"rule_id": "*", "entity": "shop:s-9"}).json()
    client.delete(f"/v1/allow-list/{entry['id']}")

    with store_of(client).session() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.key == f"allow_list:{entry['id']}")
        ).all()
        payloads = [r.payload for r in rows]
    assert len(payloads) == 2
    assert '"entity":"shop:s-9"' in payloads[0] and '"entry":null' in payloads[1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule_id": "risk.no_such_rule", "entity": "ip:1.2.3.4"}, "rule_id"),
        ({"rule_id": "budget.x", "entity": "ip:1.2.3.4"}, "rule_id"),
        ({"rule_id": "risk.same_ip_burst", "entity": "1.2.3.4"}, "entity"),
        (
            {"rule_id": "*", "entity": "ip:1.2.3.4", "expires_at": "2020-01-01T00:00:00Z"},
            "expires_at",
        ),
        ({"rule_id": "*", "entity": "ip:1.2.3.4", "forever": True}, "forever"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    resp = client.post("/v1/allow-list", json=body)

    assert resp.status_code == 422, resp.text
    detail = resp.json()
    named = detail.get("field") or ".".join(str(p) for p in detail["detail"][0]["loc"][1:])
    assert named == field


def test_a_key_scoped_to_shops_may_read_but_not_change_the_list(client: TestClient) -> None:
    scoped = bearer(make_key(store_of(client), "risk", ["shop-1"]))

    assert client.get("/v1/allow-list", headers=scoped).status_code == 200
    body = {"rule_id": "*", "entity": "shop:shop-1"}
    assert client.post("/v1/allow-list", json=body, headers=scoped).status_code == 403
