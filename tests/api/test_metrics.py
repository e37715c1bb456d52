"""Prometheus metrics: ``GET /metrics`` on the API (one-process mode: the worker's metrics
too), and a production worker's own ``/metrics`` server (``WARROOM_METRICS_PORT``), fed
by real events on a real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from tests.auth import ADMIN
from tests.conftest import Server
from warroom.streams.broker import free_port

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, /, **labels: str) -> float:
    """The sample's value; 0 when it does not exist yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, /, **labels: str) -> float:
    """The sum over every sample of ``name`` whose labels include ``labels``."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= ls)


def scrape(url: str, headers: dict[str, str] | None = None) -> Samples:
    resp = httpx.get(url, headers=headers, timeout=5)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/plain")
    return parse(resp.text)


def wait_for(get: Callable[[], Samples], ready: Callable[[Samples], bool], s: float) -> Samples:
    deadline = time.monotonic() + s
    while True:
        samples = get()
        if ready(samples) or time.monotonic() > deadline:
            return samples
        time.sleep(0.2)


def order(ip: str, n: int) -> dict[str, Any]:
    oid = f"o-{uuid.uuid4().hex[:8]}-{n}"
    return {
        "event_id": f"e-{oid}",
        "ts": datetime.now(UTC).isoformat(),
        "order_id": oid,
        "user_id": f"u-{oid}",
        "ip": ip,
        "device_id": f"d-{oid}",
        "shop_id": "shop-1",
        "sku": "SKU-101",
        "quantity": 1,
        "unit_price": "59.90",
        "amount": "59.90",
        "channel": "live",
    }


def test_the_api_needs_a_key_for_metrics(server: Server) -> None:
    resp = httpx.get(f"{server.url}/metrics")
    assert resp.status_code == 401
    assert "/metrics" not in httpx.get(f"{server.url}/openapi.json", headers=ADMIN).text


def test_one_process_metrics_count_ingest_verdicts_and_dead_letters(server: Server) -> None:
    """`warroom serve`: the API's /metrics shows what its HTTP ingest took and refused,
    what its worker judged (rule hits, event → verdict latency) and dead-lettered."""
    url = f"{server.url}/metrics"
    before = scrape(url, ADMIN)
    ip = f"61.{uuid.uuid4().int % 200}.7.7"
    bad = {**order(ip, 99), "quantity": "two"}
    resp = httpx.post(
        f"{server.url}/v1/events/orders",
        json=[*(order(ip, n) for n in range(6)), bad],
        headers=ADMIN,
    )
    assert resp.status_code == 202 and resp.json()["accepted"] == 6
    with KafkaProducer(bootstrap_servers=server.bootstrap) as producer:
        producer.send(server.topic("orders"), b"{not json")
        producer.flush()

    def judged(s: Samples) -> bool:
        hits = value(s, "warroom_rule_hits_total", rule_id="risk.same_ip_burst")
        dead = total(s, "warroom_deadletters_total", source="orders")
        return hits > value(before, "warroom_rule_hits_total", rule_id="risk.same_ip_burst") and (
            dead > total(before, "warroom_deadletters_total", source="orders")
        )

    after = wait_for(lambda: scrape(url, ADMIN), judged, 40)
    assert judged(after)

    def delta(name: str, /, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("warroom_http_ingest_events_total", kind="orders", outcome="accepted") == 6
    assert delta("warroom_http_ingest_events_total", kind="orders", outcome="rejected") == 1
    assert delta("warroom_deadletters_total", source="orders", reason="not JSON") == 1
    orders_topic = server.topic("orders")
    assert delta("warroom_events_in_total", topic=orders_topic) == 7  # 6 good + 1 unreadable
    assert delta("warroom_verdict_latency_seconds_count") >= 1
    assert delta("warroom_events_out_total", topic=server.topic("verdicts")) >= 1
    assert delta("warroom_count_total", name="deadletter.orders.not JSON") == 1
    lags = [k for k in after if k[0] == "warroom_consumer_lag"]
    assert any(("topic", orders_topic) in labels for _, labels in lags)


@pytest.fixture
def worker(broker: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`warroom worker` alone (no API), with its /metrics on a loopback port; yields the
    metrics URL and its app id."""
    app_id = f"t{uuid.uuid4().hex[:10]}"
    port = free_port()
    env = {
        **os.environ,
        "WARROOM_KAFKA_BOOTSTRAP": broker,
        "WARROOM_APP_ID": app_id,
        "WARROOM_PARTITIONS": "2",
        "WARROOM_METRICS_PORT": str(port),
        "WARROOM_WAREHOUSE_SINK": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "warroom", "worker"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        deadline = time.monotonic() + 90  # the machine may be busy: starting takes 2-60 s
        while True:
            assert proc.poll() is None, f"warroom worker exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the worker's /metrics never answered"
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, app_id
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            assert proc.wait(20) == 0
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


def test_a_worker_serves_its_own_metrics(broker: str, worker: tuple[str, str]) -> None:
    """Production workers run without the API: their metrics come from their own port."""
    url, app_id = worker
    ip = "61.9.9.9"
    envelope = orjson.dumps([*(order(ip, n) for n in range(6)), {**order(ip, 7), "ip": "999.1"}])
    with KafkaProducer(bootstrap_servers=broker) as producer:
        producer.send(f"{app_id}.orders.v1", envelope)
        producer.flush()
    after = wait_for(
        lambda: scrape(url),
        lambda s: value(s, "warroom_rule_hits_total", rule_id="risk.same_ip_burst") >= 1,
        60,
    )
    assert value(after, "warroom_rule_hits_total", rule_id="risk.same_ip_burst") >= 1
    assert value(after, "warroom_events_in_total", topic=f"{app_id}.orders.v1") == 7
    assert value(after, "warroom_deadletters_total", source="orders", reason="ip") == 1
    assert value(after, "warroom_verdicts_total", outcome="hold", mode="enforce") >= 1
    assert value(after, "warroom_verdict_latency_seconds_count") >= 1
    partitions = {
        dict(labels)["partition"]
        for name, labels in after
        if name == "warroom_consumer_lag" and ("topic", f"{app_id}.orders.v1") in labels
    }
    assert partitions, "no lag reported for the input topic"
    assert all(v >= 0 for (name, _), v in after.items() if name == "warroom_consumer_lag")
