"""Every route × every role: 401 without a key, 403 outside the role, through otherwise;
and shop scopes: a key scoped to one shop never reads or writes another's data."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN, ADMIN_TOKEN, bearer, make_key
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.store.db import Store

ROLES = ("admin", "buyer", "risk", "ingest", "viewer")
READ = {"admin", "buyer", "risk", "viewer"}
Body = Callable[[str], dict[str, Any] | list[dict[str, Any]] | None]


def none(role: str) -> None:
    return None


def uid(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:6]}"


def order(role: str) -> list[dict[str, Any]]:
    return [
        {
            "event_id": uid(role),
            "ts": datetime.now(UTC).isoformat(),
            "order_id": uid(role),
            "user_id": "u1",
            "ip": "10.1.1.1",
            "shop_id": "shop-1",
            "sku": "SKU-1",
            "quantity": 1,
            "unit_price": "9.90",
            "amount": "9.90",
        }
    ]


def budget_rule(role: str) -> dict[str, Any]:
    return {
        "id": f"budget.{uid(role)}",
        "kind": "condition",
        "shop_id": "shop-1",
        "draft": {
            "condition": "ctr_5m < 0.01 and impressions_5m >= 5000",
            "action": {"type": "pause"},
        },
    }


#: (method, path as in the OpenAPI document, concrete path, body, roles allowed)
MATRIX: list[tuple[str, str, str, Body, set[str]]] = [
    ("POST", "/v1/events/{kind}", "/v1/events/orders", order, {"admin", "ingest"}),
    ("GET", "/v1/stream", "/v1/stream?backlog=0", none, READ),
    (
        "POST",
        "/v1/shops",
        "/v1/shops",
        lambda r: {"id": uid(r), "name": "n", "platform": "douyin", "time_zone": "Asia/Shanghai"},
        {"admin"},
    ),
    ("GET", "/v1/shops", "/v1/shops", none, READ),
    ("GET", "/v1/shops/{shop_id}", "/v1/shops/shop-1", none, READ),
    (
        "PATCH",
        "/v1/shops/{shop_id}",
        "/v1/shops/shop-1",
        lambda r: {"version": 99, "name": "x"},
        {"admin"},
    ),
    ("DELETE", "/v1/shops/{shop_id}", "/v1/shops/nope", none, {"admin"}),
    (
        "POST",
        "/v1/products",
        "/v1/products",
        lambda r: {
            "id": uid(r),
            "shop_id": "shop-1",
            "title": "t",
            "category": "tea",
            "list_price": "10",
            "cost_price": "5",
            "stock": 1,
        },
        {"admin", "buyer"},
    ),
    ("GET", "/v1/products", "/v1/products", none, READ),
    ("GET", "/v1/products/{product_id}", "/v1/products/SKU-1", none, READ),
    (
        "PATCH",
        "/v1/products/{product_id}",
        "/v1/products/SKU-1",
        lambda r: {"version": 99, "stock": 5},
        {"admin", "buyer"},
    ),
    ("DELETE", "/v1/products/{product_id}", "/v1/products/nope", none, {"admin", "buyer"}),
    (
        "POST",
        "/v1/creators",
        "/v1/creators",
        lambda r: {"id": uid(r), "handle": "h", "platform": "douyin", "fan_count": 1},
        {"admin"},
    ),
    ("GET", "/v1/creators", "/v1/creators", none, READ),
    ("GET", "/v1/creators/{creator_id}", "/v1/creators/cr-1", none, READ),
    (
        "PATCH",
        "/v1/creators/{creator_id}",
        "/v1/creators/cr-1",
        lambda r: {"version": 99, "fan_count": 2},
        {"admin"},
    ),
    ("DELETE", "/v1/creators/{creator_id}", "/v1/creators/nope", none, {"admin"}),
    (
        "POST",
        "/v1/campaigns",
        "/v1/campaigns",
        lambda r: {
            "id": uid(r),
            "shop_id": "shop-1",
            "platform": "douyin",
            "objective": "orders",
            "daily_budget": "100",
            "bid": "1",
            "budget_cap": "500",
        },
        {"admin", "buyer"},
    ),
    ("GET", "/v1/campaigns", "/v1/campaigns", none, READ),
    ("GET", "/v1/campaigns/{campaign_id}", "/v1/campaigns/c-1", none, READ),
    (
        "PATCH",
        "/v1/campaigns/{campaign_id}",
        "/v1/campaigns/c-1",
        lambda r: {"version": 99, "status": "paused"},
        {"admin", "buyer"},
    ),
    ("DELETE", "/v1/campaigns/{campaign_id}", "/v1/campaigns/nope", none, {"admin", "buyer"}),
    ("GET", "/v1/campaigns/{campaign_id}/live", "/v1/campaigns/c-1/live", none, READ),
    (
        "POST",
        "/v1/creatives",
        "/v1/creatives",
        lambda r: {
            "id": uid(r),
            "campaign_id": "c-1",
            "product_id": "SKU-1",
            "title": "t",
            "video_length_s": 30,
        },
        {"admin", "buyer"},
    ),
    ("GET", "/v1/creatives", "/v1/creatives", none, READ),
    ("GET", "/v1/creatives/{creative_id}", "/v1/creatives/v-1", none, READ),
    (
        "PATCH",
        "/v1/creatives/{creative_id}",
        "/v1/creatives/v-1",
        lambda r: {"version": 99, "status": "paused"},
        {"admin", "buyer"},
    ),
    ("DELETE", "/v1/creatives/{creative_id}", "/v1/creatives/nope", none, {"admin", "buyer"}),
    ("GET", "/v1/creatives/{creative_id}/live", "/v1/creatives/v-1/live", none, READ),
    ("GET", "/v1/audit", "/v1/audit", none, READ),
    ("GET", "/v1/rules", "/v1/rules", none, READ),
    ("POST", "/v1/rules", "/v1/rules", budget_rule, {"admin", "buyer"}),
    (
        "POST",
        "/v1/rules",
        "/v1/rules",
        lambda r: {"id": f"risk.{uid(r)}", "kind": "same_ip_burst", "draft": {}},
        {"admin", "risk"},
    ),
    ("GET", "/v1/rules/{rule_id}", "/v1/rules/risk.same_ip_burst", none, READ),
    (
        "PATCH",
        "/v1/rules/{rule_id}",
        "/v1/rules/risk.same_ip_burst",
        lambda r: {"revision": 999, "title": "x"},
        {"admin", "risk"},
    ),
    (
        "PATCH",
        "/v1/rules/{rule_id}",
        "/v1/rules/budget.m",
        lambda r: {"revision": 999, "title": "x"},
        {"admin", "buyer"},
    ),
    ("DELETE", "/v1/rules/{rule_id}", "/v1/rules/risk.same_ip_burst", none, {"admin", "risk"}),
    (
        "POST",
        "/v1/rules/{rule_id}/publish",
        "/v1/rules/risk.same_ip_burst/publish",
        lambda r: {"revision": 999},
        {"admin", "risk"},
    ),
    (
        "POST",
        "/v1/rules/{rule_id}/publish",
        "/v1/rules/budget.m/publish",
        lambda r: {"revision": 999},
        {"admin", "buyer"},
    ),
    (
        "POST",
        "/v1/rules/{rule_id}/rollback",
        "/v1/rules/risk.same_ip_burst/rollback",
        lambda r: {"version": 1},
        {"admin", "risk"},
    ),
    ("GET", "/v1/rules/{rule_id}/versions", "/v1/rules/risk.same_ip_burst/versions", none, READ),
    (
        "POST",
        "/v1/rules/{rule_id}/candidate",
        "/v1/rules/risk.same_ip_burst/candidate",
        lambda r: {"revision": 999},
        {"admin", "risk"},
    ),
    (
        "DELETE",
        "/v1/rules/{rule_id}/candidate",
        "/v1/rules/risk.same_ip_burst/candidate",
        none,
        {"admin", "risk"},
    ),
    ("GET", "/v1/rules/{rule_id}/shadow", "/v1/rules/risk.same_ip_burst/shadow", none, READ),
    ("GET", "/v1/rules/{rule_id}/shadow", "/v1/rules/budget.m/shadow", none, READ),
    (
        "POST",
        "/v1/rules/{rule_id}/backtest",
        "/v1/rules/risk.same_ip_burst/backtest",
        lambda r: {"since": "2026-11-20T00:00:00Z", "until": "2026-11-21T00:00:00Z"},
        READ,
    ),
    ("GET", "/v1/reports/traffic", "/v1/reports/traffic", none, READ),
    ("GET", "/v1/reports/profit", "/v1/reports/profit", none, READ),
    ("GET", "/v1/reports/risk", "/v1/reports/risk", none, READ),
    ("GET", "/v1/reviews", "/v1/reviews", none, READ),
    ("GET", "/v1/reviews/{order_id}", "/v1/reviews/o-none", none, READ),
    (
        "POST",
        "/v1/reviews/{order_id}",
        "/v1/reviews/o-none",
        lambda r: {"action": "release"},
        {"admin", "risk"},
    ),
    ("GET", "/v1/keys", "/v1/keys", none, {"admin"}),
    ("POST", "/v1/keys", "/v1/keys", lambda r: {"name": uid(r), "role": "viewer"}, {"admin"}),
    ("DELETE", "/v1/keys/{key_id}", "/v1/keys/wk_000000000000", none, {"admin"}),
    ("GET", "/v1/decisions", "/v1/decisions", none, READ),
    ("GET", "/v1/decisions/{decision_id}", "/v1/decisions/0000000000000000", none, READ),
    (
        "POST",
        "/v1/decisions/{decision_id}/revert",
        "/v1/decisions/0000000000000000/revert",
        none,
        {"admin", "buyer"},
    ),
    ("GET", "/v1/allow-list", "/v1/allow-list", none, {"admin", "risk"}),
    (
        "POST",
        "/v1/allow-list",
        "/v1/allow-list",
        lambda r: {"rule_id": "risk.same_ip_burst", "entity": f"ip:10.9.9.{len(r)}"},
        {"admin", "risk"},
    ),
    ("DELETE", "/v1/allow-list/{entry_id}", "/v1/allow-list/al_none", none, {"admin", "risk"}),
    ("GET", "/v1/kill-switch", "/v1/kill-switch", none, READ),
    ("PUT", "/v1/kill-switch", "/v1/kill-switch", lambda r: {"on": False}, {"admin"}),
    ("GET", "/v1/flash-sales", "/v1/flash-sales", none, READ),
    ("GET", "/v1/flash-sales/{sku}", "/v1/flash-sales/SKU-1", none, READ),
    ("GET", "/v1/radar", "/v1/radar", none, READ),
    ("GET", "/v1/radar/{product_id}", "/v1/radar/SKU-1", none, READ),
    ("GET", "/v1/audiences/retargeting", "/v1/audiences/retargeting", none, READ),
    ("GET", "/v1/funnels", "/v1/funnels", none, READ),
    ("GET", "/v1/fan-loop", "/v1/fan-loop", none, READ),
    ("GET", "/v1/ab-tests", "/v1/ab-tests", none, READ),
    ("GET", "/v1/ab-tests/{rule_id}", "/v1/ab-tests/ab.nope", none, READ),
    ("GET", "/v1/match", "/v1/match?creator=cr-1&product=SKU-1", none, READ),
    (
        "POST",
        "/v1/match",
        "/v1/match",
        lambda r: {"pairs": [{"creator": "cr-1", "product": "SKU-1"}]},
        READ,
    ),
    ("GET", "/v1/match/creators/{creator_id}/trust", "/v1/match/creators/cr-1/trust", none, READ),
    ("GET", "/v1/models", "/v1/models", none, READ),
    ("GET", "/v1/models/switches", "/v1/models/switches", none, READ),
    (
        "POST",
        "/v1/models/{name}/{action}",
        "/v1/models/match/rollback",
        lambda r: {"reason": "x"},
        {"admin"},
    ),
    ("GET", "/v1/stats", "/v1/stats", none, set(ROLES)),
    ("GET", "/v1/me", "/v1/me", none, set(ROLES)),
]
PUBLIC = {("GET", "/v1/health")}


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("matrix"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    with TestClient(create_api(settings, broker), headers=ADMIN) as c:
        for path, body in [
            (
                "/v1/shops",
                {"id": "shop-1", "name": "s1", "platform": "douyin", "time_zone": "Asia/Shanghai"},
            ),
            (
                "/v1/shops",
                {"id": "shop-2", "name": "s2", "platform": "douyin", "time_zone": "Asia/Shanghai"},
            ),
            (
                "/v1/products",
                {
                    "id": "SKU-1",
                    "shop_id": "shop-1",
                    "title": "tea",
                    "category": "tea",
                    "list_price": "59.9",
                    "cost_price": "20",
                    "stock": 10,
                },
            ),
            (
                "/v1/creators",
                {"id": "cr-1", "handle": "tea", "platform": "douyin", "fan_count": 10},
            ),
            (
                "/v1/campaigns",
                {
                    "id": "c-1",
                    "shop_id": "shop-1",
                    "platform": "douyin",
                    "objective": "orders",
                    "daily_budget": "100",
                    "bid": "1",
                    "budget_cap": "500",
                },
            ),
            (
                "/v1/creatives",
                {
                    "id": "v-1",
                    "campaign_id": "c-1",
                    "product_id": "SKU-1",
                    "title": "t",
                    "video_length_s": 30,
                },
            ),
            ("/v1/rules", {**budget_rule("admin"), "id": "budget.m"}),
        ]:
            assert c.post(path, json=body).status_code == 201, (path, c.post(path, json=body).text)
        yield c


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, str]:
    store: Store = client.app.state.runtime.store  # type: ignore[attr-defined]
    return {role: make_key(store, role, ["shop-1"] if role == "buyer" else None) for role in ROLES}


def call(client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]) -> int:
    if path.startswith("/v1/stream"):  # an SSE answer never ends: look at the status only
        with client.stream(method, path, headers=headers) as resp:
            return resp.status_code
    return client.request(method, path, json=body, headers=headers).status_code


def test_the_matrix_covers_every_route(client: TestClient) -> None:
    documented = {(m.upper(), p) for p, ops in client.app.openapi()["paths"].items() for m in ops}
    assert documented == {(m, p) for m, p, *_ in MATRIX} | PUBLIC


@pytest.mark.parametrize(
    ("method", "template", "path", "body", "allowed"),
    MATRIX,
    ids=[f"{m} {c}" for m, _, c, _, _ in MATRIX],
)
def test_roles_on_every_route(
    client: TestClient,
    tokens: dict[str, str],
    method: str,
    template: str,
    path: str,
    body: Body,
    allowed: set[str],
) -> None:
    assert call(client, method, path, body("anon"), {"authorization": ""}) == 401
    assert call(client, method, path, body("anon"), bearer("wk_000000000000.forged")) == 401
    for role in ROLES:
        status = call(client, method, path, body(role), bearer(tokens[role]))
        if role in allowed:
            assert status not in (401, 403), f"{role} refused ({status}) on {method} {path}"
        else:
            assert status == 403, f"{role} got {status} on {method} {path}, expected 403"


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/v1/health", headers={"authorization": ""}).status_code == 200


def test_a_key_scoped_to_one_shop_never_touches_another(client: TestClient) -> None:
    store: Store = client.app.state.runtime.store  # type: ignore[attr-defined]
    other = bearer(make_key(store, "buyer", ["shop-2"]))
    assert client.get("/v1/campaigns/c-1", headers=other).status_code == 403
    assert (
        client.patch(
            "/v1/campaigns/c-1", json={"version": 1, "status": "paused"}, headers=other
        ).status_code
        == 403
    )
    assert client.get("/v1/rules/budget.m", headers=other).status_code == 403
    assert client.get("/v1/rules/budget.m/shadow", headers=other).status_code == 403
    assert (
        client.post(
            "/v1/rules", json={**budget_rule("x"), "shop_id": None}, headers=other
        ).status_code
        == 403
    )
    listed = client.get("/v1/campaigns", headers=other).json()
    assert listed == {"data": [], "count": 0}
    ingest = bearer(make_key(store, "ingest", ["shop-2"]))
    resp = client.post("/v1/events/orders", json=order("x"), headers=ingest)
    assert resp.status_code == 422
    assert resp.json()["rejected"] == [
        {"index": 0, "field": "shop_id", "message": "shop 'shop-1' is outside this key's shops"}
    ]


def test_a_revoked_key_stops_working_at_once(client: TestClient) -> None:
    created = client.post("/v1/keys", json={"name": "temp", "role": "viewer"}).json()
    temp = bearer(created["token"])
    assert client.get("/v1/shops", headers=temp).status_code == 200
    assert client.delete(f"/v1/keys/{created['key']['id']}").status_code == 204
    assert client.get("/v1/shops", headers=temp).status_code == 401
    audit = client.get(
        "/v1/audit", params={"resource": "api_key", "resource_id": created["key"]["id"]}
    ).json()
    assert [e["action"] for e in audit["data"]] == ["revoke", "create"]
    assert all("secret_hash" not in (e["after"] or {}) for e in audit["data"])
