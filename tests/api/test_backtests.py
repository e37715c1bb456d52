"""``POST /v1/rules/{id}/backtest``: a draft replayed over the warehouse's history beside
the live version, for a risk rule (orders held, precision and recall) and a budget rule
(spend saved, orders forgone); bad requests name their field."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN, ADMIN_TOKEN
from tests.backtest import events
from tests.store.entities import World, seed
from tests.warehouse import market
from tests.warehouse.clickhouse import ClickHouseServer
from tests.warehouse.writes import add, new_sink, write
from warroom.api.main import create_api
from warroom.schemas.events import Click, Order, Viewer
from warroom.settings import get_settings
from warroom.store.db import Store
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse
from warroom.store.warehouse.shared import close_shared_warehouse

BURST_IP = "10.7.7.7"


@pytest.fixture(scope="module")
def warehouse() -> Iterator[ServerWarehouse]:
    server = ClickHouseServer()
    server.start()
    wh = ServerWarehouse(server.dsn, f"bt_{uuid.uuid4().hex[:10]}")
    apply_schema(wh)
    yield wh
    wh.close()
    server.remove()


@pytest.fixture(scope="module")
def api(
    broker: str, warehouse: ServerWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    update = {
        "kafka_bootstrap": broker,
        "data_dir": tmp_path_factory.mktemp("backtests"),
        "admin_key": ADMIN_TOKEN,
        "clickhouse_dsn": warehouse.dsn,
        "warehouse_database": warehouse.database,
    }
    close_shared_warehouse()
    api = create_api(get_settings().model_copy(update=update), broker)
    with TestClient(api, headers=ADMIN) as client:
        yield client
    close_shared_warehouse()


def burst(n: int) -> list[Order]:
    """``n`` orders from one IP, one a second, two hours after the market opened."""
    base = market._order(0)
    return [
        base.model_copy(
            update={
                "event_id": f"b{i}",
                "order_id": f"burst{i}",
                "ip": BURST_IP,
                "ts": market.T0 + timedelta(hours=2, seconds=i),
            }
        )
        for i in range(n)
    ]


def create_rule(api: TestClient, kind: str, draft: dict[str, Any], **extra: Any) -> str:
    rule_id = f"t.{kind}.{uuid.uuid4().hex[:6]}"
    resp = api.post("/v1/rules", json={"id": rule_id, "kind": kind, "draft": draft, **extra})
    assert resp.status_code == 201, resp.text
    return rule_id


def test_a_risk_draft_beside_the_live_version(api: TestClient, warehouse: ServerWarehouse) -> None:
    m = market.build()
    asyncio.run(market.write_market(warehouse, m))
    asyncio.run(write(warehouse, "orders", burst(9)))
    labels = [market.label(o, "confirm_fraud") for o in burst(9)[6:8]]
    asyncio.run(write(warehouse, "labels", labels))
    fraud = len(labels) + sum(lb.label == "fraud" for lb in m.labels)  # the market's: unflagged
    rule_id = create_rule(api, "same_ip_burst", {"mode": "enforce", "params": {"max_orders": 5}})
    assert api.post(f"/v1/rules/{rule_id}/publish", json={}).status_code == 201
    window = {"since": "2025-03-01T00:00:00Z", "until": "2025-03-02T00:00:00Z"}
    draft = {"mode": "enforce", "params": {"max_orders": 7}}
    resp = api.post(f"/v1/rules/{rule_id}/backtest", json={**window, "draft": draft})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    live, candidate = body["live"]["summary"], body["candidate"]["summary"]
    assert (body["live"]["version"], live["flagged"], live["held"]) == (1, 4, 4)  # 6th to 9th
    assert candidate["flagged"] == 2  # the 8th and 9th orders
    assert live["judged"] == len(m.orders) + 9
    # the 7th and 8th orders were confirmed fraud, and a few calm orders of the market
    assert (live["precision"], live["recall"]) == (1.0, round(2 / fraud, 6))
    assert (candidate["precision"], candidate["recall"]) == (1.0, round(1 / fraud, 6))
    flagged = {d["order_id"] for d in body["candidate"]["decisions"]}
    assert flagged == {"burst7", "burst8"}


def test_a_budget_draft_saves_the_burners_spend(
    api: TestClient, warehouse: ServerWarehouse
) -> None:
    store: Store = api.app.state.runtime.store  # type: ignore[attr-defined]
    with store.session() as session:
        w = seed(session)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    asyncio.run(write(warehouse, "clicks", burner_clicks(w, start, minutes=20)))
    draft = {
        "mode": "shadow",
        "condition": "spend_30m >= 2 * target_cpa and orders_30m == 0",
        "action": {"type": "pause"},
        "guardrails": {"learning_minutes": 0},
    }
    rule_id = create_rule(api, "condition", draft, shop_id=w.shop, scope="campaign")
    window = {"since": start.isoformat(), "until": (start + timedelta(minutes=30)).isoformat()}
    resp = api.post(f"/v1/rules/{rule_id}/backtest", json=window)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["live"] is None  # never published
    summary = body["candidate"]["summary"]
    assert summary["actions"] == {"pause": 1}
    # ¥10 a minute against 2 × ¥35: paused after its 7th minute, 13 minutes of spend saved
    assert (Decimal(summary["spend_saved"]), summary["orders_forgone"]) == (Decimal(130), 0)
    [pause] = body["candidate"]["decisions"]
    assert pause["entity"] == f"campaign:{w.campaign}"


def burner_clicks(w: World, start: datetime, minutes: int) -> list[Click]:
    return [
        Click(
            event_id=f"bc-{w.campaign}-{i}",
            ts=start + timedelta(minutes=i // 2, seconds=i % 2),
            kind="impression",
            shop_id=w.shop,
            campaign_id=w.campaign,
            creative_id=w.creative,
            viewer=Viewer(viewer_id="v1"),
            cost=Decimal(5),
        )
        for i in range(2 * minutes)
    ]


def test_a_thresholds_draft_holds_what_its_lines_hold(
    api: TestClient, warehouse: ServerWarehouse
) -> None:
    scores = (30.0, 45.0, 60.0, 90.0)
    rows = [
        events.verdict(f"th{i}", 600 * i, s, ["risk.same_ip_burst"]) for i, s in enumerate(scores)
    ]
    sink = new_sink(warehouse)
    add(sink, "verdicts", rows, 50_000)  # after the offsets the market's verdicts took
    asyncio.run(sink.flush())
    window = {"since": "2025-03-10T00:00:00Z", "until": "2025-03-11T00:00:00Z"}
    draft = {"mode": "enforce", "params": {"review": 30, "hold": 40, "decline": 90}}
    resp = api.post("/v1/rules/risk.thresholds/backtest", json={**window, "draft": draft})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    live, candidate = body["live"]["summary"], body["candidate"]["summary"]
    assert (body["kind"], live["judged"]) == ("thresholds", 4)
    assert (live["held"], candidate["held"]) == (2, 3)  # the order scored 45 joins
    assert candidate["outcomes"] == {"review": 1, "hold": 2, "decline": 1}


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"draft": {"mode": "enforce", "params": {"max_orders": 0}}}, "draft.params.max_orders"),
        ({"until": "2025-02-01T00:00:00Z"}, "until"),
        ({"version": 99}, "version"),
    ],
)
def test_bad_requests_name_their_field(
    api: TestClient, request_body: dict[str, Any], field: str
) -> None:
    rule_id = create_rule(api, "same_ip_burst", {"mode": "shadow", "params": {}})
    window = {"since": "2025-03-01T00:00:00Z", "until": "2025-03-02T00:00:00Z"}
    resp = api.post(f"/v1/rules/{rule_id}/backtest", json={**window, **request_body})
    assert (resp.status_code, resp.json()["field"]) == (422, field)


def test_unsupported_kinds_and_unknown_rules(api: TestClient) -> None:
    window = {"since": "2025-03-01T00:00:00Z", "until": "2025-03-02T00:00:00Z"}
    resp = api.post("/v1/rules/model.order_anomaly/backtest", json=window)
    assert (resp.status_code, resp.json()["field"]) == (422, "kind")
    assert "the anomaly model learns online" in resp.json()["detail"]
    assert api.post("/v1/rules/no.such.rule/backtest", json=window).status_code == 404
