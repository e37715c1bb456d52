"""``POST /v1/events/{kind}`` in-process against the real broker: what an integrator sends,
what the API answers, and what really lands on the input topics."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition

from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.partitioning import partition_for

pytestmark = pytest.mark.integration

MAX_BODY = 20_000
MAX_BATCH = 50


@pytest.fixture(scope="module")
def api(broker: str, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("store"),
            "admin_key": ADMIN_TOKEN,
            "ingest_max_body_bytes": MAX_BODY,
            "ingest_max_batch": MAX_BATCH,
        }
    )
    return create_api(settings, broker)


@pytest.fixture(scope="module")
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api, headers=ADMIN) as c:
        yield c


def uid() -> str:
    return uuid.uuid4().hex[:10]


def now_iso(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def order(ip: str = "203.0.113.7", **over: Any) -> dict[str, Any]:
    oid = f"o-{uid()}"
    return {
        "event_id": f"e-{oid}",
        "ts": now_iso(),
        "order_id": oid,
        "user_id": "u-1",
        "ip": ip,
        "device_id": "d-1",
        "shop_id": "shop-1",
        "sku": "SKU-101",
        "quantity": 1,
        "unit_price": "59.90",
        "amount": "59.90",
        "campaign_id": "cmp-1",
        "channel": "live",
        **over,
    }


def click(campaign: str, **over: Any) -> dict[str, Any]:
    return {
        "event_id": f"k-{uid()}",
        "ts": now_iso(),
        "kind": "impression",
        "shop_id": "shop-1",
        "campaign_id": campaign,
        "creative_id": "cr-1",
        "viewer": {"viewer_id": "v-1"},
        "cost": "0.05",
        **over,
    }


def payment(order_id: str, **over: Any) -> dict[str, Any]:
    return {
        "event_id": f"p-{uid()}",
        "ts": now_iso(),
        "payment_id": f"pay-{uid()}",
        "order_id": order_id,
        "amount": "59.90",
        "method": "alipay",
        "status": "success",
        **over,
    }


def refund(shop_id: str, **over: Any) -> dict[str, Any]:
    return {
        "event_id": f"r-{uid()}",
        "ts": now_iso(),
        "refund_id": f"rf-{uid()}",
        "order_id": f"o-{uid()}",
        "shop_id": shop_id,
        "sku": "SKU-101",
        "amount": "59.90",
        "reason": "quality",
        **over,
    }


def ndjson(*items: Any) -> bytes:
    return b"\n".join(i if isinstance(i, bytes) else orjson.dumps(i) for i in items)


NDJSON = {"content-type": "application/x-ndjson"}


# -- reading the input topics back ---------------------------------------------------------


def read_messages(
    bootstrap: str,
    topic: str,
    done: Callable[[list[tuple[int, list[Any]]]], bool],
    timeout: float = 10,
) -> tuple[int, list[tuple[int, list[Any]]]]:
    """(partition count, [(partition, decoded value)]) of ``topic`` from the beginning,
    read until ``done`` says enough or ``timeout`` passes."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=300
    )
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in parts])
        consumer.seek_to_beginning()
        got: list[tuple[int, list[Any]]] = []
        deadline = time.monotonic() + timeout
        while not done(got) and time.monotonic() < deadline:
            got.extend((msg.partition, orjson.loads(msg.value)) for msg in consumer)
        return len(parts), got
    finally:
        consumer.close()


def mine(
    messages: list[tuple[int, list[Any]]], ids: set[str]
) -> list[tuple[int, list[dict[str, Any]]]]:
    """The messages that carry any of ``ids`` (by event_id)."""
    return [
        (p, value)
        for p, value in messages
        if isinstance(value, list) and any(e.get("event_id") in ids for e in value)
    ]


def carried_ids(messages: list[tuple[int, list[dict[str, Any]]]]) -> list[str]:
    return [e["event_id"] for _, value in messages for e in value]


def read_mine(
    bootstrap: str, kind: str, ids: set[str], timeout: float = 10
) -> tuple[int, list[tuple[int, list[dict[str, Any]]]]]:
    """Partition count and the messages of input topic ``kind`` that carry ``ids``."""
    topic = topics.INPUTS[kind].get_topic_name()
    n, messages = read_messages(
        bootstrap, topic, lambda got: ids <= set(carried_ids(mine(got, ids))), timeout
    )
    return n, mine(messages, ids)


# -- JSON arrays ---------------------------------------------------------------------------


def test_array_accepts_the_valid_orders_and_explains_each_rejected_one(
    client: TestClient,
) -> None:
    good = [order(ip) for ip in ("203.0.113.7", "198.51.100.23", "192.0.2.200", "2001:db8::9")]
    missing_user = order()
    del missing_user["user_id"]
    body = [
        good[0],
        order(quantity="many"),
        missing_user,
        order(unit_price="-5"),
        order(ip="300.1.2.3"),
        order(ts="1999-01-01T00:00:00Z"),
        good[1],
        order(ts=now_iso(days=3)),
        good[2],
        42,
        good[3],
    ]

    resp = client.post("/v1/events/orders", json=body)

    assert resp.status_code == 202
    assert resp.json() == {
        "accepted": 4,
        "rejected": [
            {
                "index": 1,
                "field": "quantity",
                "message": "Input should be a valid integer, unable to parse string as an integer",
            },
            {"index": 2, "field": "user_id", "message": "Field required"},
            {
                "index": 3,
                "field": "unit_price",
                "message": "Input should be greater than or equal to 0",
            },
            {"index": 4, "field": "ip", "message": "Value error, not an IPv4 or IPv6 address"},
            {
                "index": 5,
                "field": "ts",
                "message": "Value error, timestamp before 2015-01-01 is not plausible",
            },
            {
                "index": 7,
                "field": "ts",
                "message": "Value error, timestamp more than 24 h in the future",
            },
            {"index": 9, "field": None, "message": "expected a JSON object"},
        ],
    }


def test_accepted_orders_are_on_the_input_topic_one_envelope_per_partition(
    client: TestClient, broker: str
) -> None:
    ips = ["203.0.113.7", "198.51.100.23", "192.0.2.200", "2001:db8::9", "10.1.2.3", "10.9.8.7"]
    good = [order(ip) for ip in ips for _ in range(2)]
    bad = [order(ips[0], unit_price="-5"), order(ip="300.1.2.3")]
    resp = client.post("/v1/events/orders", json=[*good[:5], *bad, *good[5:]])
    assert resp.status_code == 202 and resp.json()["accepted"] == len(good)

    wanted = {o["event_id"] for o in good}
    partitions, messages = read_mine(broker, "orders", wanted)

    assert sorted(carried_ids(messages)) == sorted(wanted)  # each once, no rejected one
    for partition, envelope in messages:  # every event hashes (by ip) to its message's partition
        assert {partition_for(e["ip"], partitions) for e in envelope} == {partition}
    expected_partitions = {partition_for(ip, partitions) for ip in ips}
    assert sorted(p for p, _ in messages) == sorted(expected_partitions)  # one per partition
    by_id = {e["event_id"]: e for _, envelope in messages for e in envelope}
    sent = good[0]
    assert by_id[sent["event_id"]]["order_id"] == sent["order_id"]
    assert by_id[sent["event_id"]]["amount"] == "59.90"


def test_all_items_invalid_is_422_with_every_reason(client: TestClient, broker: str) -> None:
    bad = [order(unit_price="-1"), order(ip="not-an-ip")]

    resp = client.post("/v1/events/orders", json=bad)

    assert resp.status_code == 422
    report = resp.json()
    assert report["accepted"] == 0
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(0, "unit_price"), (1, "ip")]
    _, messages = read_mine(broker, "orders", {o["event_id"] for o in bad}, timeout=1)
    assert messages == []


# -- NDJSON and single objects -------------------------------------------------------------


def test_ndjson_body_reports_the_line_that_is_not_json(client: TestClient, broker: str) -> None:
    good = [order("198.51.100.5"), order("198.51.100.6"), order("198.51.100.7")]
    body = ndjson(good[0], good[1], b'{"event_id": "e-broken", "ts": ', good[2])

    resp = client.post("/v1/events/orders", content=body, headers=NDJSON)

    assert resp.status_code == 202
    report = resp.json()
    assert report["accepted"] == 3
    [rejected] = report["rejected"]
    assert rejected["index"] == 2 and rejected["field"] is None
    assert rejected["message"].startswith("line is not JSON")
    _, messages = read_mine(broker, "orders", {o["event_id"] for o in good})
    assert sorted(carried_ids(messages)) == sorted(o["event_id"] for o in good)


def test_ndjson_line_with_an_invalid_event_names_its_index_and_field(
    client: TestClient,
) -> None:
    body = ndjson(order(), order(), order(quantity=0))

    resp = client.post("/v1/events/orders", content=body, headers=NDJSON)

    assert resp.status_code == 202
    assert resp.json() == {
        "accepted": 2,
        "rejected": [
            {
                "index": 2,
                "field": "quantity",
                "message": "Input should be greater than or equal to 1",
            }
        ],
    }


def test_a_single_json_object_is_accepted_as_one_event(client: TestClient, broker: str) -> None:
    one = order("192.0.2.77")

    resp = client.post("/v1/events/orders", json=one)

    assert resp.status_code == 202
    assert resp.json() == {"accepted": 1, "rejected": []}
    _, messages = read_mine(broker, "orders", {one["event_id"]})
    assert carried_ids(messages) == [one["event_id"]]


def test_a_pretty_printed_single_json_object_is_accepted_as_one_event(
    client: TestClient,
) -> None:
    one = order("192.0.2.78")

    resp = client.post(
        "/v1/events/orders",
        content=json.dumps(one, indent=2),
        headers={"content-type": "application/json"},
    )

    assert resp.status_code == 202
    assert resp.json() == {"accepted": 1, "rejected": []}


# -- limits and refusals -------------------------------------------------------------------


def test_body_over_the_byte_limit_is_413_and_nothing_is_written(
    client: TestClient, broker: str
) -> None:
    big = [order(city="x" * 200) for _ in range(45)]
    body = orjson.dumps(big)
    assert len(big) <= MAX_BATCH and len(body) > MAX_BODY

    resp = client.post("/v1/events/orders", content=body)

    assert resp.status_code == 413
    assert resp.json()["detail"] == (
        f"body of {len(body)} bytes exceeds the limit of {MAX_BODY} bytes"
    )
    _, messages = read_mine(broker, "orders", {o["event_id"] for o in big}, timeout=1)
    assert messages == []


def test_streamed_body_without_length_over_the_limit_is_413(client: TestClient) -> None:
    chunk = b" " * 4096

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(MAX_BODY // len(chunk) + 2):
            yield chunk
        yield b"]"

    resp = client.post("/v1/events/orders", content=chunks())

    assert resp.status_code == 413
    assert resp.json()["detail"] == f"body exceeds the limit of {MAX_BODY} bytes"


def test_more_events_than_the_batch_limit_is_422_naming_the_body(
    client: TestClient, broker: str
) -> None:
    many = [order() for _ in range(MAX_BATCH + 1)]
    assert len(orjson.dumps(many)) < MAX_BODY

    resp = client.post("/v1/events/orders", json=many)

    assert resp.status_code == 422
    assert resp.json() == {
        "detail": f"{MAX_BATCH + 1} events in one request; the limit is {MAX_BATCH}",
        "field": "body",
    }
    _, messages = read_mine(broker, "orders", {o["event_id"] for o in many}, timeout=1)
    assert messages == []


def test_exactly_the_batch_limit_is_accepted(client: TestClient) -> None:
    resp = client.post("/v1/events/orders", json=[order() for _ in range(MAX_BATCH)])

    assert resp.status_code == 202 and resp.json()["accepted"] == MAX_BATCH


@pytest.mark.parametrize("body", [b"", b"  \n\n  "])
def test_empty_body_is_422(client: TestClient, body: bytes) -> None:
    resp = client.post("/v1/events/orders", content=body)

    assert resp.status_code == 422
    assert resp.json() == {"detail": "empty body: send a JSON array or NDJSON", "field": "body"}


def test_unknown_event_kind_is_422(client: TestClient) -> None:
    resp = client.post("/v1/events/likes", json=[order()])

    assert resp.status_code == 422
    [error] = resp.json()["detail"]
    assert error["loc"] == ["path", "kind"]


# -- the other kinds -----------------------------------------------------------------------


def test_clicks_are_accepted_and_keyed_by_campaign(client: TestClient, broker: str) -> None:
    campaigns = [f"cmp-{uid()}" for _ in range(3)]
    good = [click(c, kind=k) for c in campaigns for k in ("impression", "play", "click")]
    body = [*good, click(campaigns[0], kind="swipe")]

    resp = client.post("/v1/events/clicks", json=body)

    assert resp.status_code == 202
    report = resp.json()
    assert report["accepted"] == len(good)
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(len(good), "kind")]
    partitions, messages = read_mine(broker, "clicks", {c["event_id"] for c in good})
    assert sorted(carried_ids(messages)) == sorted(c["event_id"] for c in good)
    for partition, envelope in messages:
        assert {partition_for(e["campaign_id"], partitions) for e in envelope} == {partition}


def test_payments_are_accepted_and_keyed_by_order(client: TestClient, broker: str) -> None:
    good = [payment(f"o-{uid()}") for _ in range(4)]
    body = [*good, payment("o-1", method="bitcoin")]

    resp = client.post("/v1/events/payments", json=body)

    assert resp.status_code == 202
    report = resp.json()
    assert report["accepted"] == len(good)
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(len(good), "method")]
    partitions, messages = read_mine(broker, "payments", {p["event_id"] for p in good})
    assert sorted(carried_ids(messages)) == sorted(p["event_id"] for p in good)
    for partition, envelope in messages:
        assert {partition_for(e["order_id"], partitions) for e in envelope} == {partition}


def test_refunds_are_accepted_and_keyed_by_shop(client: TestClient, broker: str) -> None:
    good = [refund(f"shop-{uid()}") for _ in range(4)]
    body = [*good, refund("shop-1", amount="-5")]

    resp = client.post("/v1/events/refunds", json=body)

    assert resp.status_code == 202
    report = resp.json()
    assert report["accepted"] == len(good)
    assert [(r["index"], r["field"]) for r in report["rejected"]] == [(len(good), "amount")]
    partitions, messages = read_mine(broker, "refunds", {r["event_id"] for r in good})
    assert sorted(carried_ids(messages)) == sorted(r["event_id"] for r in good)
    for partition, envelope in messages:
        assert {partition_for(e["shop_id"], partitions) for e in envelope} == {partition}
