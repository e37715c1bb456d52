"""A rule change published through the API reaches the running worker and the very next
orders are judged by it; rollback brings the old version back as a new one."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.integration.test_pipeline import order
from tests.sse import reading

pytestmark = pytest.mark.integration

RULE = "/v1/rules/risk.same_ip_burst"


async def verdict_for_burst(server: Server, client: httpx.AsyncClient, n: int) -> dict[str, Any]:
    """Send ``n`` orders from a fresh IP; the first verdict on it, or an empty dict."""
    ip = f"101.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"
    async with reading(f"{server.url}/v1/stream?entity=ip:{ip}&backlog=0", ADMIN) as feed:
        await client.post("/v1/events/orders", json=[order(ip, k) for k in range(n)])
        try:
            return await feed.wait_for(lambda kind, data: True, timeout=3)
        except TimeoutError:
            return {}


async def publish_max_orders(client: httpx.AsyncClient, max_orders: int) -> int:
    rule = (await client.get(RULE)).json()
    draft = {"mode": "enforce", "params": {**rule["draft"]["params"], "max_orders": max_orders}}
    patched = await client.patch(RULE, json={"revision": rule["revision"], "draft": draft})
    assert patched.status_code == 200, patched.text
    published = await client.post(f"{RULE}/publish", json={"note": f"max {max_orders}"})
    assert published.status_code == 201, published.text
    return int(published.json()["version"])


async def test_a_published_threshold_applies_to_the_next_orders(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        before = await verdict_for_burst(server, client, 7)
        assert before["hits"][0]["thresholds"]["max_orders"] == 5

        version = await publish_max_orders(client, 8)
        published_at = time.monotonic()
        while True:  # the worker applies it as soon as the control message arrives
            relaxed = await verdict_for_burst(server, client, 7)
            if not relaxed or relaxed["hits"][0]["rule_version"] == version:
                break
            assert time.monotonic() - published_at < 5, "the new version never reached the worker"
        assert relaxed == {}, "7 orders are no burst once the limit is 8"

        strict = await verdict_for_burst(server, client, 9)
        [hit] = strict["hits"]
        assert (hit["rule_version"], hit["thresholds"]["max_orders"]) == (version, 8)
        assert hit["observed"]["orders"] == 9


async def test_rollback_republishes_an_old_version(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        v_loose = await publish_max_orders(client, 20)
        rolled = await client.post(f"{RULE}/rollback", json={"version": 1})
        assert rolled.status_code == 201
        v_back = rolled.json()["version"]
        assert v_back == v_loose + 1
        assert rolled.json()["body"]["params"]["max_orders"] == 5

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            verdict = await verdict_for_burst(server, client, 6)
            if verdict and verdict["hits"][0]["rule_version"] == v_back:
                break
        assert verdict["hits"][0]["thresholds"]["max_orders"] == 5

        versions = (await client.get(f"{RULE}/versions")).json()
        assert [v["version"] for v in versions["data"]] == list(range(1, v_back + 1))
        assert (await client.get(RULE)).json()["draft"]["params"]["max_orders"] == 5
        audit = await client.get(
            "/v1/audit", params={"resource": "rule", "resource_id": "risk.same_ip_burst"}
        )
        actions = [e["action"] for e in audit.json()["data"]]
        assert "rollback" in actions
        assert "publish" in actions
