"""Shadow mode on the real broker: a candidate of the IP burst rule runs beside the live
version in a ``warroom serve`` process; the API's shadow report names the orders they
disagree on, and the verdicts on the feed still come from the live version alone."""

from __future__ import annotations

import contextlib
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


async def start_candidate(client: httpx.AsyncClient, max_orders: int) -> tuple[int, int]:
    """Make a draft with ``max_orders`` the candidate; (live version, candidate version)."""
    rule = (await client.get(RULE)).json()
    draft = {**rule["draft"], "params": {**rule["draft"]["params"], "max_orders": max_orders}}
    patched = await client.patch(RULE, json={"revision": rule["revision"], "draft": draft})
    assert patched.status_code == 200, patched.text
    started = await client.post(f"{RULE}/candidate", json={"note": f"try {max_orders}"})
    assert started.status_code == 201, started.text
    return rule["live_version"], started.json()["version"]


async def burst(server: Server, client: httpx.AsyncClient, n: int) -> tuple[set[str], list[Any]]:
    """``n`` orders from a fresh IP: their ids, and the verdicts on them from the feed."""
    ip = f"102.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    orders = [order(ip, k) for k in range(n)]
    async with reading(f"{server.url}/v1/stream?entity=ip:{ip}&backlog=0", ADMIN) as feed:
        resp = await client.post("/v1/events/orders", json=orders)
        assert resp.status_code == 202, resp.text
        with contextlib.suppress(TimeoutError):
            await feed.wait_for(lambda kind, data: kind == "verdict", timeout=3)
        return {o["order_id"] for o in orders}, [d for k, d in feed.events if k == "verdict"]


async def test_the_candidate_is_compared_and_never_decides(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        live, candidate = await start_candidate(client, 8)
        deadline = time.monotonic() + 10
        while True:  # until the worker has heard of the candidate
            ids, verdicts = await burst(server, client, 7)
            report = (await client.get(f"{RULE}/shadow")).json()
            disagreeing = {d["order_id"] for d in report["disagreements"]} & ids
            if disagreeing:
                break
            assert time.monotonic() < deadline, f"no comparison reached the API: {report}"

        assert (report["live_version"], report["candidate_version"]) == (live, candidate)
        assert report["only_live"] >= 1 and report["only_candidate"] == 0
        assert report["candidate_hits"] == report["both"] == 0
        [shown] = [d for d in report["disagreements"] if d["order_id"] in disagreeing][:1]
        assert (shown["live_hit"], shown["candidate_hit"]) == (True, False)
        assert shown["observed"]["orders"] > 5

        assert verdicts, "the live version (5 orders) still judges the burst"
        hits = [h for v in verdicts for h in v["hits"]]
        assert {(h["rule_version"], h["thresholds"]["max_orders"]) for h in hits} == {(live, 5)}
        assert {v["order_id"] for v in verdicts} <= ids

        assert (await client.delete(f"{RULE}/candidate")).status_code == 204
