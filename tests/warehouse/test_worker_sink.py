"""A real ``warroom serve`` writes what it receives, and what it decides, to the warehouse:
against a ClickHouse server, and embedded in chdb (read back once the worker is gone,
since chdb lets one process hold its data)."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import start_warroom, stop_warroom
from tests.integration.test_pipeline import order
from tests.warehouse.clickhouse import ClickHouseServer
from warroom.store.warehouse.server import ServerWarehouse

pytestmark = pytest.mark.integration
BURST_IP = "183.9.9.9"


async def post_orders(url: str) -> None:
    async with httpx.AsyncClient(base_url=url, headers=ADMIN) as client:
        resp = await client.post("/v1/events/orders", json=[order(BURST_IP, n) for n in range(8)])
    assert resp.json()["accepted"] == 8


async def test_the_worker_sinks_orders_and_verdicts_to_a_server(
    broker: str, clickhouse: ClickHouseServer, tmp_path: Path
) -> None:
    database = f"w_{uuid.uuid4().hex[:10]}"
    server = start_warroom(
        broker, tmp_path, WARROOM_CLICKHOUSE_DSN=clickhouse.dsn, WARROOM_WAREHOUSE_DATABASE=database
    )
    try:
        await post_orders(server.url)
        warehouse = ServerWarehouse(clickhouse.dsn, database)
        deadline = time.monotonic() + 40
        sql = "SELECT (SELECT count() FROM orders FINAL), (SELECT count() FROM verdicts FINAL)"
        while time.monotonic() < deadline:
            counts = await warehouse.aquery(sql) if await _has_tables(warehouse) else [(0, 0)]
            if counts[0][0] == 8 and counts[0][1] >= 1:
                break
            await asyncio.sleep(0.3)
        assert counts[0][0] == 8 and counts[0][1] >= 1
        warehouse.close()
    finally:
        assert stop_warroom(server) == 0


async def _has_tables(warehouse: ServerWarehouse) -> bool:
    rows = await warehouse.aquery(
        "SELECT count() FROM system.tables WHERE database = %(db)s AND name = 'verdicts'",
        {"db": warehouse.database},
    )
    return bool(rows[0][0])


READ_BACK = """
import sys
from pathlib import Path
from warroom.store.warehouse.chdb_backend import ChdbWarehouse
wh = ChdbWarehouse(Path(sys.argv[1]), "warroom")
print(wh.query("SELECT count() FROM orders FINAL")[0][0])
"""


async def test_the_embedded_worker_keeps_orders_in_chdb(broker: str, tmp_path: Path) -> None:
    server = start_warroom(broker, tmp_path, WARROOM_SINK_FLUSH_S="0.2")
    try:
        await post_orders(server.url)
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            deadline = time.monotonic() + 40  # the sink's consumer joins its group, then flushes
            while time.monotonic() < deadline:
                counters = (await client.get("/v1/stats")).json()["counters"]
                if counters.get("sink.rows.orders", 0) >= 8:
                    break
                await asyncio.sleep(0.3)
    finally:
        assert stop_warroom(server) == 0
    path = tmp_path / ".warroom" / "warehouse"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", READ_BACK, str(path), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert (proc.returncode, out.decode().strip()) == (0, "8")


async def test_a_worker_started_while_clickhouse_is_down_catches_up(
    broker: str, tmp_path: Path
) -> None:
    clickhouse = ClickHouseServer()  # not running yet
    server = start_warroom(
        broker, tmp_path, WARROOM_CLICKHOUSE_DSN=clickhouse.dsn, WARROOM_WAREHOUSE_DATABASE="late"
    )
    try:
        await post_orders(server.url)  # the worker decides on them meanwhile
        await asyncio.sleep(1)
        clickhouse.start()
        warehouse = ServerWarehouse(clickhouse.dsn, "late")
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if await _has_tables(warehouse):
                rows = await warehouse.aquery("SELECT count() FROM orders FINAL")
                if rows == [(8,)]:
                    break
            await asyncio.sleep(0.3)
        assert await warehouse.aquery("SELECT count() FROM orders FINAL") == [(8,)]
        warehouse.close()
    finally:
        assert stop_warroom(server) == 0
        clickhouse.remove()
