"""The demo's simulated traffic on a real worker fills the playbook: the flash sale the
simulator opens at its start counts its allotment down, and the searches that heated up
before it make the radar tag the product 今日必抢 within seconds. (The stock guard's stop
comes about two minutes into the sale: ``tests/unit/sim/test_playbook.py`` and the
screenshot script's playbook shot cover it.)"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN, ADMIN_TOKEN
from tests.conftest import Server
from warroom.sim.run import simulate
from warroom.sim.sinks import HttpSink

pytestmark = pytest.mark.integration
SKU, CAMPAIGN = "SKU-101", "8800"  # the first shop's winner: the demo's flash sale


async def until(client: httpx.AsyncClient, path: str, done: Any, timeout: float) -> Any:
    """``path``'s answer once ``done(answer)`` holds (the last answer fails the test)."""
    deadline = time.monotonic() + timeout
    while True:
        resp = await client.get(path)
        if resp.status_code == 200 and done(resp.json()):
            return resp.json()
        assert time.monotonic() < deadline, f"{path}: {resp.status_code} {resp.text[:600]}"
        await asyncio.sleep(0.5)


async def test_the_demo_traffic_counts_its_flash_sale_down_and_tags_the_product_hot(
    server: Server,
) -> None:
    sink = HttpSink(server.url, ADMIN_TOKEN)
    sim = asyncio.create_task(simulate(sink, 300, seed=7, duration_s=90, attack_every_s=1e9))
    try:
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN, timeout=10) as client:
            radar = await until(
                client, "/v1/radar", lambda r: any(x["tags"] for x in r["data"]), 60
            )
            sale = await until(client, f"/v1/flash-sales/{SKU}", lambda s: s["sold"] > 0, 10)
    finally:
        sim.cancel()
        await asyncio.gather(sim, return_exceptions=True)
    assert [x["product_id"] for x in radar["data"] if x["tags"]] == [SKU]
    [hot] = [x for x in radar["data"] if x["product_id"] == SKU]
    assert hot["tags"] == ["今日必抢"] and hot["search_growth"] > 2.0
    assert hot["impressions"] >= 1000 and hot["searches"] >= 20
    assert sale["available"] < 1000 and sale["remaining"] < sale["available"]  # the allotment
    assert sale["campaigns"] == [CAMPAIGN]
    assert sink.rejected == 0 and sink.failed == 0
