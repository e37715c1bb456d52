"""``/v1/reports``: traffic, profit and risk over HTTP, as JSON and CSV, for the roles and
shops a key may see; a bad filter is refused naming its field. The API reads a
ClickHouse server here (the suite's chdb path belongs to the warehouse tests)."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.auth import ADMIN, ADMIN_TOKEN, bearer, make_key
from tests.warehouse import market
from tests.warehouse.clickhouse import ClickHouseServer
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.store.db import Store
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse
from warroom.store.warehouse.shared import close_shared_warehouse

WINDOW = {"since": "2025-03-01T00:00:00Z", "until": "2025-03-02T00:00:00Z"}


@pytest.fixture(scope="module")
def filled() -> Iterator[tuple[str, str, market.Market]]:
    """A ClickHouse server with the report tests' market in a fresh database."""
    server = ClickHouseServer()
    server.start()
    database = f"r_{uuid.uuid4().hex[:10]}"
    warehouse = ServerWarehouse(server.dsn, database)
    apply_schema(warehouse)
    m = market.build()
    asyncio.run(market.write_market(warehouse, m))
    warehouse.close()
    yield server.dsn, database, m
    server.remove()


@pytest.fixture(scope="module")
def api(
    broker: str, filled: tuple[str, str, market.Market], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    dsn, database, _ = filled
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("reports"),
            "admin_key": ADMIN_TOKEN,
            "clickhouse_dsn": dsn,
            "warehouse_database": database,
        }
    )
    close_shared_warehouse()  # this process's warehouse is the server's from here on
    with TestClient(create_api(settings, broker), headers=ADMIN) as client:
        yield client
    close_shared_warehouse()


def store(api: TestClient) -> Store:
    return api.app.state.runtime.store  # type: ignore[attr-defined,no-any-return]


def get(api: TestClient, report: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    return api.get(f"/v1/reports/{report}", params={**WINDOW, **params}, headers=headers)


def test_each_report_answers_data_and_count(
    api: TestClient, filled: tuple[str, str, market.Market]
) -> None:
    m = filled[2]
    for report in ("traffic", "profit", "risk"):
        body = get(api, report).json()
        assert body["count"] == len(body["data"]) > 0
    traffic = get(api, "traffic").json()["data"]
    assert sum(r["impressions"] for r in traffic) == sum(c.kind == "impression" for c in m.clicks)
    profit = get(api, "profit", fee_alipay="0", fee_wechat="0", fee_card="0").json()
    assert "commission" in profit["note"]
    gmv = sum(Decimal(r["gmv"]) for r in profit["data"])
    assert gmv == sum(o.amount for o in m.orders)
    assert all(r["payment_fees"] == "0.0000" for r in profit["data"])  # money: exact strings


def test_csv_has_the_same_rows(api: TestClient) -> None:
    resp = get(api, "profit", format="csv")
    assert resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    as_json = get(api, "profit").json()["data"]
    assert [r["net_margin"] for r in rows] == [str(r["net_margin"]) for r in as_json]
    assert rows[0]["campaign_id"] == as_json[0]["campaign_id"]


def test_a_shop_scoped_key_sees_its_shop_only(api: TestClient) -> None:
    viewer = bearer(make_key(store(api), "viewer", ["s1"]))
    shops = {r["shop_id"] for r in get(api, "traffic", viewer).json()["data"]}
    assert shops == {"s1"}
    assert get(api, "traffic", viewer, shop_id="s2").status_code == 403


def test_roles_without_read_access_are_refused(api: TestClient) -> None:
    ingest = bearer(make_key(store(api), "ingest"))
    assert get(api, "risk", ingest).status_code == 403
    assert api.get("/v1/reports/risk", headers={"authorization": ""}).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"until": "2025-02-01T00:00:00Z"}, "until"),
        ({"tz": "Nowhere/Else"}, "tz"),
        ({"granularity": "week"}, "granularity"),
        ({"fee_card": "0.5"}, "fee_card"),
        ({"since": "yesterday"}, "since"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(
    api: TestClient, params: dict[str, str], field: str
) -> None:
    resp = get(api, "profit", **params)
    assert resp.status_code == 422
    body = resp.json()
    named = body.get("field") or [e["loc"][-1] for e in body["detail"]]
    assert field in named
