"""Events in over HTTP and Kafka, explained verdicts out on the SSE feed, bad events in
the dead-letter topic: a real tansu broker and a real ``warroom serve`` process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from tests.auth import ADMIN
from tests.conftest import Server, start_warroom, stop_warroom
from tests.sse import reading

pytestmark = pytest.mark.integration


def order(
    ip: str, n: int, campaign: str = "8812", seconds_ago: float = 0, **over: Any
) -> dict[str, Any]:
    ts = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    oid = f"o-{uuid.uuid4().hex[:8]}-{n}"
    return {
        "event_id": f"e-{oid}",
        "ts": ts.isoformat(),
        "order_id": oid,
        "user_id": f"u-{oid}",  # one order per user and device: only the IP bursts
        "ip": ip,
        "device_id": f"d-{oid}",
        "shop_id": "shop-1",
        "sku": "SKU-101",
        "quantity": 1,
        "unit_price": "59.90",
        "amount": "59.90",
        "campaign_id": campaign,
        "channel": "live",
        **over,
    }


def burst_verdict(ip: str):
    def match(kind: str, data: dict[str, Any]) -> bool:
        return kind == "verdict" and f"ip:{ip}" in data["entities"]

    return match


async def test_http_orders_burst_gives_explained_verdict_on_the_feed(server: Server) -> None:
    ip = "117.50.3.9"
    orders = [order(ip, n, seconds_ago=30 - n) for n in range(6)]
    bad = order(ip, 99, unit_price="-5")
    async with reading(
        f"{server.url}/v1/stream?kind=verdict&entity=ip:{ip}&backlog=0", ADMIN
    ) as feed:
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            resp = await client.post("/v1/events/orders", json=[*orders[:3], bad, *orders[3:]])
        assert resp.status_code == 202
        assert resp.json() == {
            "accepted": 6,
            "rejected": [
                {
                    "index": 3,
                    "field": "unit_price",
                    "message": "Input should be greater than or equal to 0",
                }
            ],
        }
        verdict = await feed.wait_for(burst_verdict(ip), timeout=10)

    assert verdict["order_id"] == orders[5]["order_id"]  # the sixth order crosses the line
    assert verdict["outcome"] == "hold" and verdict["mode"] == "enforce"
    [hit] = verdict["hits"]
    assert hit["rule_id"] == "risk.same_ip_burst" and hit["rule_version"] == 1
    assert hit["entity"] == f"ip:{ip}"
    assert hit["observed"]["orders"] == 6
    assert hit["thresholds"] == {"max_orders": 5, "window_s": 60}
    assert sorted(hit["evidence"]) == sorted(o["order_id"] for o in orders)
    assert "6 orders from IP 117.50.3.9" in hit["explanation"]


async def test_five_orders_in_a_minute_are_not_a_burst(server: Server) -> None:
    ip, other = "117.50.3.10", "117.50.3.11"
    async with reading(f"{server.url}/v1/stream?kind=verdict&backlog=0", ADMIN) as feed:
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            # five from one IP within a minute, then six from another as a marker that
            # the five have been judged by the time its verdict arrives
            await client.post("/v1/events/orders", json=[order(ip, n) for n in range(5)])
            await client.post("/v1/events/orders", json=[order(other, n) for n in range(6)])
        await feed.wait_for(burst_verdict(other), timeout=10)
    assert not [d for _, d in feed.events if f"ip:{ip}" in d["entities"]]


async def test_orders_this_worker_writes_are_judged_as_the_broker_has_them_and_once(
    server: Server,
) -> None:
    """The IP rule reads its partitions in this worker: ingest hands each order written to
    orders-by-ip over to it as the broker acknowledges it (``streams/handover.py``), and
    the rule's consumer skips the same message when it arrives."""
    ip = "117.50.3.12"
    orders = [order(ip, n, seconds_ago=30 - n) for n in range(7)]
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:

        async def counter(name: str) -> int:
            return int((await client.get("/v1/stats")).json()["counters"].get(name, 0))

        handed, skipped = "handover.watch_ip_bursts", "recovery.watch_ip_bursts.skipped"
        before = (await counter(handed), await counter(skipped))
        async with reading(f"{server.url}/v1/stream?entity=ip:{ip}&backlog=0", ADMIN) as feed:
            for o in orders:  # one at a time: each reaches the rule before the next
                assert (await client.post("/v1/events/orders", json=[o])).status_code == 202
                await asyncio.sleep(0.5)

            def two_held(*_: Any) -> bool:
                return sum(kind == "verdict" for kind, _ in feed.events) >= 2

            await feed.wait_for(two_held, timeout=10)
            await asyncio.sleep(1)  # a verdict given twice would be on the feed by now
        after = (await counter(handed), await counter(skipped))

    held = [d for k, d in feed.events if k == "verdict"]
    assert sorted(d["hits"][0]["observed"]["orders"] for d in held) == [6, 7]
    assert [d["order_id"] for d in held] == [orders[5]["order_id"], orders[6]["order_id"]]
    # once one is taken, the next ones are too (the rule stays caught up); the first may
    # go the usual way if nothing was ever admitted on its partition
    assert after[0] - before[0] >= 5
    assert after[1] - before[1] >= after[0] - before[0]  # each delivered again, skipped


async def test_kafka_envelopes_and_single_events_both_work(server: Server) -> None:
    ip = "175.20.1.7"
    orders = [order(ip, n) for n in range(7)]
    producer = KafkaProducer(bootstrap_servers=server.bootstrap)
    async with reading(f"{server.url}/v1/stream?entity=ip:{ip}&backlog=0", ADMIN) as feed:
        producer.send(server.topic("orders"), orjson.dumps(orders[:4]))  # an envelope
        for o in orders[4:]:  # and single events, the way most platforms send
            producer.send(server.topic("orders"), orjson.dumps(o), key=ip.encode())
        producer.flush()

        # the sixth and the seventh order to arrive are held; the two verdicts may reach
        # the feed in either order (each order's hits are summed on its own partition)
        def two_held(*_: Any) -> bool:
            return sum(kind == "verdict" for kind, _ in feed.events) >= 2

        await feed.wait_for(two_held, timeout=10)
    producer.close()
    held = [d for k, d in feed.events if k == "verdict"]
    assert sorted(d["hits"][0]["observed"]["orders"] for d in held) == [6, 7]
    assert {d["order_id"] for d in held} < {o["order_id"] for o in orders}


def read_dead_letters(server: Server, want: int, timeout: float = 10) -> list[dict[str, Any]]:
    consumer = KafkaConsumer(
        bootstrap_servers=server.bootstrap, enable_auto_commit=False, consumer_timeout_ms=500
    )
    topic = server.topic("deadletter")
    consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)])
    consumer.seek_to_beginning()
    letters: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(letters) < want and time.monotonic() < deadline:
        for msg in consumer:
            letters.extend(orjson.loads(msg.value))
    consumer.close()
    return letters


async def test_bad_events_from_kafka_land_in_the_dead_letter_topic_and_work_goes_on(
    server: Server,
) -> None:
    ip = "39.8.8.8"
    producer = KafkaProducer(bootstrap_servers=server.bootstrap)
    topic = server.topic("orders")
    junk = producer.send(topic, b"{not json", partition=0).get(10)
    good = [order(ip, n) for n in range(6)]
    mixed = [*good[:2], {**order(ip, 50), "ip": "999.1.1.1"}, *good[2:]]
    async with reading(f"{server.url}/v1/stream?entity=ip:{ip}&backlog=0", ADMIN) as feed:
        envelope = producer.send(topic, orjson.dumps(mixed), partition=1).get(10)
        producer.flush()
        await feed.wait_for(burst_verdict(ip), timeout=10)  # the good ones went through
    producer.close()

    letters = read_dead_letters(server, want=2)
    by_offset = {(d["partition"], d["offset"]): d for d in letters if d["source_topic"] == topic}
    not_json = by_offset[(0, junk.offset)]
    assert not_json["reason"].startswith("not JSON") and not_json["raw"] == "{not json"
    bad_ip = by_offset[(1, envelope.offset)]
    assert (bad_ip["index"], bad_ip["field"]) == (2, "ip")
    assert "not an IPv4 or IPv6 address" in bad_ip["reason"]
    assert orjson.loads(bad_ip["raw"])["ip"] == "999.1.1.1"

    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        counters = (await client.get("/v1/stats")).json()["counters"]
    assert counters["deadletter.orders.ip"] >= 1 and counters["deadletter.orders.not JSON"] >= 1


async def test_live_campaign_counters(server: Server) -> None:
    campaign = f"c-{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC).isoformat()
    clicks = [
        {
            "event_id": f"k{n}-{campaign}",
            "ts": now,
            "kind": kind,
            "shop_id": "shop-1",
            "campaign_id": campaign,
            "creative_id": "cr-1",
            "viewer": {"viewer_id": f"v{n}"},
            "cost": cost,
        }
        for n, (kind, cost) in enumerate([("impression", "0.05")] * 40 + [("click", "0")] * 4)
    ]
    orders = [order(f"58.1.1.{n}", n, campaign=campaign) for n in range(2)]
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        assert (await client.get(f"/v1/campaigns/{campaign}/live")).status_code == 404
        await client.post(
            "/v1/events/clicks",
            content=b"\n".join(map(orjson.dumps, clicks)),
            headers={"content-type": "application/x-ndjson"},
        )
        await client.post("/v1/events/orders", json=orders)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            resp = await client.get(f"/v1/campaigns/{campaign}/live")
            if resp.status_code == 200 and resp.json()["windows"]["5m"]["orders"] == 2:
                break
            await asyncio.sleep(0.2)
    live = resp.json()
    five = live["windows"]["5m"]
    assert (five["impressions"], five["clicks"], five["orders"]) == (40, 4, 2)
    assert five["spend"] == pytest.approx(2.0) and five["gmv"] == pytest.approx(119.8)
    assert five["ctr"] == pytest.approx(0.1) and five["roi"] == pytest.approx(59.9)
    windows = {"1m", "5m", "15m", "30m", "60m", "today"}
    assert live["shop_id"] == "shop-1" and set(live["windows"]) == windows
    today = live["windows"]["today"]  # the shop-local day so far
    assert (today["impressions"], today["clicks"], today["orders"]) == (40, 4, 2)


async def test_separate_worker_and_api_processes(broker: str, tmp_path: Path) -> None:
    """The production shape: `warroom worker` and `warroom api` as separate processes."""
    app_id = f"t{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "WARROOM_KAFKA_BOOTSTRAP": broker,
        "WARROOM_APP_ID": app_id,
        "WARROOM_PARTITIONS": "2",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "warroom", "worker"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = start_warroom(broker, tmp_path, command="api", WARROOM_APP_ID=app_id)
    try:
        ip = "183.2.2.2"
        async with reading(f"{api.url}/v1/stream?entity=ip:{ip}&backlog=0", ADMIN) as feed:
            async with httpx.AsyncClient(base_url=api.url, headers=ADMIN) as client:
                resp = await client.post("/v1/events/orders", json=[order(ip, n) for n in range(6)])
            assert resp.json()["accepted"] == 6
            verdict = await feed.wait_for(burst_verdict(ip), timeout=20)
        assert verdict["hits"][0]["observed"]["orders"] == 6
    finally:
        assert stop_warroom(api) == 0
        worker.send_signal(signal.SIGINT)
        assert worker.wait(20) == 0


async def test_a_batch_larger_than_a_kafka_message_is_split_not_fatal(server: Server) -> None:
    """10,000 clicks of one campaign in one request: more than one Kafka message can hold,
    all on one partition. Every one is counted and the worker keeps going."""
    campaign = f"big-{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC).isoformat()
    clicks = [
        {
            "event_id": f"b{n}-{campaign}",
            "ts": now,
            "kind": "impression",
            "shop_id": "shop-1",
            "campaign_id": campaign,
            "creative_id": "cr-1",
            "viewer": {"viewer_id": f"viewer-{n:06d}", "city": "杭州"},
            "cost": "0.0400",
        }
        for n in range(10_000)
    ]
    body = orjson.dumps(clicks)
    assert len(body) > 1_048_576
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN, timeout=30) as client:
        resp = await client.post(
            "/v1/events/clicks", content=body, headers={"content-type": "application/json"}
        )
        assert resp.json() == {"accepted": 10_000, "rejected": []}
        deadline = time.monotonic() + 20
        impressions = 0
        while time.monotonic() < deadline and impressions < 10_000:
            live = await client.get(f"/v1/campaigns/{campaign}/live")
            if live.status_code == 200:
                impressions = live.json()["windows"]["5m"]["impressions"]
            await asyncio.sleep(0.2)
    assert impressions == 10_000
    assert live.json()["windows"]["5m"]["spend"] == pytest.approx(400.0)
