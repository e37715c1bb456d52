"""A worker started on a warehouse with history judges its very first order of a SKU
against the SKU's historical average price (without history the price rule would wait
for 20 orders of the stream)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import start_warroom, stop_warroom
from tests.integration.test_pipeline import order
from tests.warehouse.clickhouse import ClickHouseServer
from tests.warehouse.test_baselines import order as past_order
from tests.warehouse.writes import write
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse

pytestmark = pytest.mark.integration
SKU = "HIST-1"


async def test_the_first_order_is_judged_against_the_historical_price(
    broker: str, clickhouse: ClickHouseServer, tmp_path: Path
) -> None:
    database = f"b_{uuid.uuid4().hex[:10]}"
    warehouse = ServerWarehouse(clickhouse.dsn, database)
    apply_schema(warehouse)
    now = datetime.now(UTC)
    history = [past_order(i, now - timedelta(days=1, minutes=i), SKU, "100") for i in range(30)]
    await write(warehouse, "orders", history)
    server = start_warroom(
        broker, tmp_path, WARROOM_CLICKHOUSE_DSN=clickhouse.dsn, WARROOM_WAREHOUSE_DATABASE=database
    )
    try:
        first = order("10.9.9.9", 0, sku=SKU, unit_price="50.00", amount="50.00")
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            resp = await client.post("/v1/events/orders", json=[first])
        assert resp.json()["accepted"] == 1
        hits = await _hits(warehouse, first["order_id"])
        assert "risk.price_deviation" in hits
        assert '"average":100.0' in hits and '"samples":30' in hits
    finally:
        assert stop_warroom(server) == 0
        warehouse.close()


async def _hits(warehouse: ServerWarehouse, order_id: str, timeout: float = 40) -> str:
    """The hits of the order's verdicts, once the worker's sink has written them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await warehouse.aquery(
            "SELECT hits FROM verdicts FINAL WHERE order_id = %(id)s", {"id": order_id}
        )
        if any("risk.price_deviation" in r[0] for r in rows):
            return " ".join(r[0] for r in rows)
        await asyncio.sleep(0.3)
    return ""
