"""The SQL store (PostgreSQL) goes down while events arrive over Kafka, and comes back:
the worker keeps running, then the actuator applies the budget decision once and the
review queue holds the burst's order; nothing is lost."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaProducer

from tests.auth import ADMIN
from tests.faults.cluster import Cluster
from tests.faults.figures import record
from tests.faults.postgres import Postgres, restartable_postgres
from tests.faults.test_kill_worker import SCALE_ONCE, applied
from tests.faults.traffic import Traffic, until_counted
from tests.integration.campaigns import impressions, new_campaign
from tests.integration.test_actuator import enforce
from tests.integration.test_pipeline import order

pytestmark = pytest.mark.integration

OUTAGE_S = 8


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    with restartable_postgres() as server:
        yield server


@pytest.fixture
def cluster(broker: str, tmp_path: Path, postgres: Postgres) -> Iterator[Cluster]:
    cluster = Cluster(broker, tmp_path, sql_url=postgres.url)
    try:
        yield cluster
    finally:
        cluster.stop_all()


def produce(cluster: Cluster, topic: str, events: list[dict[str, Any]]) -> None:
    """Events straight to Kafka, as a platform streams them (the API needs the store)."""
    producer = KafkaProducer(bootstrap_servers=cluster.bootstrap)
    try:
        producer.send(f"{cluster.app_id}.{topic}.v1", orjson.dumps(events))
        producer.flush()
    finally:
        producer.close()


async def until_processing(client: httpx.AsyncClient, shop: str) -> None:
    """Once the worker counts events (it has joined and restored its partitions)."""
    _, probe = await new_campaign(client, "qp")
    traffic = Traffic(client, shop, [probe])
    await traffic.tick(1)
    counts, _ = await until_counted(client, traffic.sent, timeout=90)
    assert counts[probe] == 1, "the worker never started processing"


async def until(check: Any, timeout: float) -> float:
    """Seconds until ``await check()`` is true (raises at the timeout)."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not within {timeout} s")
        await asyncio.sleep(0.3)
    return time.monotonic() - started


async def test_an_sql_store_outage_delays_but_loses_nothing(
    cluster: Cluster, postgres: Postgres
) -> None:
    api = cluster.api()
    worker = cluster.worker()
    async with httpx.AsyncClient(base_url=api.url, headers=ADMIN, timeout=30) as client:
        shop, campaign = await new_campaign(client, "q")
        pause = {"type": "pause"}
        rule = await enforce(client, shop, "campaign", "spend_30m >= 5", pause, **SCALE_ONCE)
        burst = [order("10.254.0.1", n, shop_id=shop) for n in range(6)]
        await until_processing(client, shop)

        postgres.stop()
        produce(cluster, "clicks", impressions(shop, campaign, 100, cost="0.10"))
        produce(cluster, "orders", burst)
        await asyncio.sleep(OUTAGE_S)  # the worker tries to act and to queue meanwhile
        alive_during = worker.proc.poll() is None
        postgres.start()

        async def paused() -> bool:
            resp = await client.get(f"/v1/campaigns/{campaign}")
            return resp.status_code == 200 and resp.json()["status"] == "paused"

        async def queued() -> bool:
            resp = await client.get("/v1/reviews", params={"shop_id": shop})
            return resp.status_code == 200 and resp.json()["count"] >= 1

        paused_s = await until(paused, timeout=60)
        queued_s = await until(queued, timeout=60)
        reviews = (await client.get("/v1/reviews", params={"shop_id": shop})).json()["data"]
        counted, _ = await until_counted(client, Counter({campaign: 100}), timeout=30)
        acted = await applied(client, rule)
    counters = worker.counters()
    record(
        "sql_store_outage",
        outage_s=OUTAGE_S,
        events_in=100 + len(burst),
        impressions_counted=counted[campaign],
        actions_applied=len(acted),
        orders_queued=len(reviews),
        decision_applied_after_restart_s=round(paused_s, 1),
        review_queued_after_restart_s=round(paused_s + queued_s, 1),
        review_retries=counters.get("reviews.retries", 0),
        actuator_retries=counters.get("store.retries.actuator", 0),
    )
    assert alive_during and worker.proc.poll() is None
    assert [d["entity_id"] for d in acted] == [campaign]  # once
    assert [r["order_id"] for r in reviews] == [burst[5]["order_id"]]
    assert counted[campaign] == 100
