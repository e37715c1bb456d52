"""``warroom backtest`` from the command line: a draft replayed over a ClickHouse server's
history prints the report as JSON, beside the built-in rule's live version."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.warehouse import market
from tests.warehouse.clickhouse import ClickHouseServer
from tests.warehouse.writes import write
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.server import ServerWarehouse

pytestmark = pytest.mark.integration


def test_a_draft_is_replayed_from_the_command_line(
    clickhouse: ClickHouseServer, tmp_path: Path
) -> None:
    database = f"cli_{uuid.uuid4().hex[:10]}"
    warehouse = ServerWarehouse(clickhouse.dsn, database)
    apply_schema(warehouse)
    m = market.build()
    asyncio.run(write(warehouse, "orders", m.orders))
    warehouse.close()
    env = {
        **os.environ,
        "WARROOM_CLICKHOUSE_DSN": clickhouse.dsn,
        "WARROOM_WAREHOUSE_DATABASE": database,
        "WARROOM_DATA_DIR": str(tmp_path / "data"),
    }
    draft = json.dumps({"mode": "enforce", "params": {"max_orders": 3, "window_s": 3600}})
    args = ["risk.same_ip_burst", "--since", "2025-03-01T00:00:00Z"]
    args += ["--until", "2025-03-02T00:00:00Z", "--draft", "-"]
    proc = subprocess.run(
        [sys.executable, "-m", "warroom", "backtest", *args],
        input=draft, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    ips = {o.ip for o in m.orders}
    assert report["candidate"]["summary"]["flagged"] == len(m.orders) - 3 * len(ips)
    assert report["live"]["version"] == 1 and report["live"]["summary"]["flagged"] == 0
