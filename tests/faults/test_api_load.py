"""The API under a bounded load (concurrent clients ingesting, doing CRUD and reading live
metrics) while a risk rule is published again and again: no 5xx, every ingested event
counted, and each published version judges the next bursts on the worker."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.faults.cluster import Cluster
from tests.faults.figures import record
from tests.faults.traffic import Traffic, settled, until_counted
from tests.integration.campaigns import new_campaign
from tests.integration.test_rulebook import publish_max_orders, verdict_for_burst

pytestmark = pytest.mark.integration

DURATION_S = 20
CLIENTS = 6


@pytest.fixture
def cluster(broker: str, tmp_path: Path) -> Iterator[Cluster]:
    cluster = Cluster(broker, tmp_path)
    try:
        yield cluster
    finally:
        cluster.stop_all()


class Load:
    """What the clients saw: status codes and latencies of every request."""

    def __init__(self) -> None:
        self.codes: Counter[int] = Counter()
        self.latencies: list[float] = []

    async def call(
        self, client: httpx.AsyncClient, method: str, url: str, **kw: Any
    ) -> httpx.Response:
        started = time.monotonic()
        resp = await client.request(method, url, **kw)
        self.latencies.append(time.monotonic() - started)
        self.codes[resp.status_code] += 1
        return resp

    async def shop_crud(self, client: httpx.AsyncClient) -> None:
        """Create, read, update, list and delete a shop."""
        sid = f"ld-{uuid.uuid4().hex[:8]}"
        body = {"id": sid, "name": "load", "platform": "kuaishou", "time_zone": "Asia/Shanghai"}
        made = await self.call(client, "POST", "/v1/shops", json=body)
        version = made.json().get("version", 1)
        await self.call(client, "GET", f"/v1/shops/{sid}")
        patch = {"version": version, "name": "load 2"}
        await self.call(client, "PATCH", f"/v1/shops/{sid}", json=patch)
        await self.call(client, "GET", "/v1/shops", params={"platform": "kuaishou"})
        await self.call(client, "DELETE", f"/v1/shops/{sid}")


async def client_loop(load: Load, traffic: Traffic, campaign: str, stop_at: float) -> None:
    """Ingest, CRUD and live metrics, one after the other, until ``stop_at``."""
    async with httpx.AsyncClient(base_url=traffic.client.base_url, headers=ADMIN) as client:
        while time.monotonic() < stop_at:
            events = traffic.impressions(campaign, 20)
            resp = await load.call(client, "POST", "/v1/events/clicks", json=events)
            if resp.status_code == 202:
                traffic.sent[campaign] += resp.json()["accepted"]
            await load.shop_crud(client)
            await load.call(client, "GET", f"/v1/campaigns/{campaign}/live")


async def publisher(server: Server, client: httpx.AsyncClient, stop_at: float) -> list[float]:
    """Publish a new version, then send bursts until one is judged by it; the delays."""
    delays, limit = [], 4
    while time.monotonic() < stop_at:
        version = await publish_max_orders(client, limit)
        published = time.monotonic()
        while True:
            verdict = await verdict_for_burst(server, client, 7)
            if verdict and verdict["hits"][0]["rule_version"] == version:
                assert verdict["hits"][0]["thresholds"]["max_orders"] == limit
                break
            assert time.monotonic() - published < 30, "a version never reached the worker"
        delays.append(time.monotonic() - published)
        limit = 9 - limit  # 4, 5, 4, ...: a burst of 7 is one under both
    return delays


async def test_the_api_under_load_while_rules_are_published(cluster: Cluster) -> None:
    api = cluster.api()
    cluster.worker()
    async with httpx.AsyncClient(base_url=api.url, headers=ADMIN, timeout=30) as client:
        shop, campaign = await new_campaign(client, "l")
        traffic, load = Traffic(client, shop, [campaign]), Load()
        await traffic.tick(1)  # the worker counts (so /live answers) before the load starts
        await until_counted(client, traffic.sent, timeout=90)
        stop_at = time.monotonic() + DURATION_S
        loops = [client_loop(load, traffic, campaign, stop_at) for _ in range(CLIENTS)]
        # the publisher idles while it waits for verdicts: no keep-alive, or a connection
        # the server closed after its 5 s keep-alive may be reused (a client-side race)
        fresh = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(
            base_url=api.url, headers=ADMIN, timeout=30, limits=fresh
        ) as publishing:
            *_, delays = await asyncio.gather(
                *loops, publisher(cluster.server(api), publishing, stop_at)
            )
        counts = await settled(client, traffic.sent, timeout=60)
    errors = sum(n for code, n in load.codes.items() if code >= 500)
    lat = sorted(load.latencies)
    record(
        "api_load",
        clients=CLIENTS,
        duration_s=DURATION_S,
        requests=len(lat),
        requests_per_s=round(len(lat) / DURATION_S, 1),
        status_5xx=errors,
        latency_p50_ms=round(statistics.median(lat) * 1000),
        latency_p99_ms=round(lat[int(len(lat) * 0.99)] * 1000),
        impressions_in=traffic.sent[campaign],
        impressions_counted=counts[campaign],
        publishes=len(delays),
        publish_to_verdict_max_s=round(max(delays), 1),
    )
    assert errors == 0
    assert set(load.codes) <= {200, 201, 202, 204}, load.codes
    assert counts[campaign] == traffic.sent[campaign]
    assert len(delays) >= 2
