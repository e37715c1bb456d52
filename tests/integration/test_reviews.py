"""The review queue end to end on the real broker (a ``warroom serve`` process): an
IP-burst attack sent over HTTP is held, queued and listed within seconds; confirming an
order labels it (``labels`` topic), takes it off the open queue and shows on the feed;
a risk key of another shop neither sees nor decides it."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from tests.auth import ADMIN, bearer
from tests.conftest import Server
from tests.integration.test_pipeline import order
from tests.sse import reading

pytestmark = pytest.mark.integration

BURST = "risk.same_ip_burst"


async def open_queue(client: httpx.AsyncClient, shop: str, want: int, timeout: float) -> Any:
    """The shop's open queue once it holds ``want`` orders (or what it holds at ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        body = (await client.get("/v1/reviews", params={"shop_id": shop})).json()
        if body["count"] >= want or time.monotonic() > deadline:
            return body
        await asyncio.sleep(0.1)


def labels(server: Server, key: str, timeout: float = 10) -> list[dict[str, Any]]:
    """The records on the labels topic under ``key``, read from the beginning."""
    consumer = KafkaConsumer(
        bootstrap_servers=server.bootstrap, enable_auto_commit=False, consumer_timeout_ms=500
    )
    topic = server.topic("labels")
    consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)])
    consumer.seek_to_beginning()
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not found and time.monotonic() < deadline:
        found += [orjson.loads(m.value) for m in consumer if m.key == key.encode()]
    consumer.close()
    return found


async def test_an_ip_burst_is_queued_confirmed_labelled_and_kept_from_other_shops(
    server: Server,
) -> None:
    shop, ip = f"s-{uuid.uuid4().hex[:8]}", "117.60.4.2"
    burst = [order(ip, n, seconds_ago=20 - n, shop_id=shop) for n in range(8)]
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        sent = time.monotonic()
        assert (await client.post("/v1/events/orders", json=burst)).status_code == 202
        queue = await open_queue(client, shop, want=3, timeout=10)
        waited = time.monotonic() - sent

        held = {r["order_id"] for r in queue["data"]}
        assert held == {o["order_id"] for o in burst[5:]}, queue  # the 6th order on
        assert waited < 5
        first = queue["data"][0]
        assert (first["outcome"], first["rules"], first["status"]) == ("hold", [BURST], "open")
        assert f"ip:{ip}" in first["verdict"]["entities"]

        target = first["order_id"]
        created = await client.post(
            "/v1/keys", json={"name": "other shop risk", "role": "risk", "shops": [f"{shop}-x"]}
        )
        other = bearer(created.json()["token"])
        assert (await client.get("/v1/reviews", headers=other)).json()["count"] == 0
        assert (await client.get(f"/v1/reviews/{target}", headers=other)).status_code == 403
        refused = await client.post(
            f"/v1/reviews/{target}", json={"action": "release"}, headers=other
        )
        assert refused.status_code == 403

        feed_url = f"{server.url}/v1/stream?entity=order:{target}&backlog=0"
        async with reading(feed_url, ADMIN) as feed:
            confirmed = await client.post(
                f"/v1/reviews/{target}", json={"action": "confirm_fraud", "note": "bot farm"}
            )
            assert confirmed.status_code == 200, confirmed.text
            item = await feed.wait_for(lambda kind, _: kind == "review", timeout=10)

        after = await client.get("/v1/reviews", params={"shop_id": shop})
        assert target not in {r["order_id"] for r in after.json()["data"]}
        assert after.json()["count"] == len(held) - 1

    assert (item["order_id"], item["label"], item["note"]) == (target, "fraud", "bot farm")
    [label] = await asyncio.to_thread(labels, server, target)
    assert label == item
    assert (label["action"], label["rules"], label["shop_id"]) == ("confirm_fraud", [BURST], shop)
