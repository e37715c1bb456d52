"""Hostile input on both ingest paths of a real ``warroom serve`` process: malformed,
oversized, deeply nested, wrongly typed and unicode-heavy events, over HTTP and straight
into the Kafka input topic. Never a 5xx, never a dead worker, and every refused event
is accounted for: in the HTTP answer, or as a dead letter naming its source offset."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from tests.auth import ADMIN
from tests.conftest import Server

pytestmark = pytest.mark.integration

Item = Any


def order(**over: Any) -> dict[str, Any]:
    oid = f"o-{uuid.uuid4().hex[:10]}"
    return {
        "event_id": f"e-{oid}",
        "ts": datetime.now(UTC).isoformat(),
        "order_id": oid,
        "user_id": f"u-{oid}",
        "ip": "203.0.113.9",
        "shop_id": "shop-1",
        "sku": "SKU-101",
        "quantity": 1,
        "unit_price": "59.90",
        "amount": "59.90",
        **over,
    }


def dumps(value: Any) -> bytes:
    """JSON as a platform might write it (big integers too, which orjson refuses)."""
    return json.dumps(value, ensure_ascii=False).encode()


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"n": value}
    return value


def bad_items() -> list[tuple[str, Item]]:
    """Items that must be refused, one by one, without costing their neighbours."""
    return [
        ("quantity as text", order(quantity="two")),
        ("quantity as list", order(quantity=[1])),
        ("ip as number", order(ip=2130706433)),
        ("amount as object", order(amount={"value": "1"})),
        ("ts as bool", order(ts=True)),
        ("event id null", order(event_id=None)),
        ("missing order id", {k: v for k, v in order().items() if k != "order_id"}),
        ("a list, not an object", [order()]),
        ("a number", 42),
        ("a string", "order"),
        ("null", None),
        ("ts beyond datetime once in UTC", order(ts="9999-12-31T23:59:59-23:59")),
        ("ts before year 1 once in UTC", order(ts="0001-01-01T00:00:00+00:01")),
        ("ts 1e300", order(ts=1e300)),
        ("ts far future", order(ts="2999-01-01T00:00:00Z")),
        ("amount 1e999999", order(amount="1e999999")),
        ("amount NaN", order(amount="NaN")),
        ("quantity 10**30", order(quantity=10**30)),
        ("negative price", order(unit_price="-1")),
        ("id of 10,000 characters", order(order_id="x" * 10_000)),
        ("city of 100,000 characters", order(city="长" * 100_000)),
        ("unicode digits in the IP", order(ip="١٢٧.٠.٠.١")),
        ("IP with a zone of 10 kB", order(ip="fe80::1%" + "z" * 10_000)),
        ("deeply nested in a field", order(amount=nested(600))),
        ("emoji id too long", order(order_id="🔥" * 65)),
        ("NUL in the order id (no SQL store takes it)", order(order_id="o-\x00")),
        ("NUL in the city", order(city="a\x00b")),
    ]


def good_items() -> list[tuple[str, Item]]:
    """Strange but valid: accepted."""
    return [
        ("plain", order()),
        ("emoji and RTL ids", order(user_id="用户-🔥‮x", device_id="設備🙂")),
        ("zalgo in the city", order(city="z̷̢̛̛͇̠" * 10)),
        ("a literal backslash-u0000 in the city", order(city="\\u0000")),
        ("unknown 200 kB field, ignored", order(note="n" * 200_000)),
        ("unknown deeply nested field, ignored", order(extra=nested(600))),
        ("IPv4-mapped IPv6", order(ip="::ffff:203.0.113.9")),
    ]


def assert_accounted(resp: httpx.Response, sent: int) -> dict[str, Any]:
    assert resp.status_code in (202, 422), (resp.status_code, resp.text[:500])
    report: dict[str, Any] = resp.json()
    if "accepted" not in report:  # the whole body was refused
        assert report["field"] == "body"
        return report
    indices = [r["index"] for r in report["rejected"]]
    assert len(indices) == len(set(indices))
    assert report["accepted"] + len(indices) == sent
    return report


def test_http_ingest_answers_for_every_hostile_item(server: Server) -> None:
    bad, good = bad_items(), good_items()
    items = [item for _, item in good] + [item for _, item in bad]
    with httpx.Client(base_url=server.url, headers=ADMIN, timeout=30) as client:
        resp = client.post("/v1/events/orders", content=dumps(items))
        report = assert_accounted(resp, len(items))
        assert report["accepted"] == len(good), report["rejected"]
        refused = {r["index"] for r in report["rejected"]}
        assert refused == set(range(len(good), len(items)))
        for name, item in bad:  # alone, each one is a 422 that says why
            alone = client.post("/v1/events/orders", content=dumps([item]))
            assert alone.status_code == 422, (name, alone.text[:300])
            [why] = alone.json()["rejected"]
            assert why["message"], name


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,  # nested past any parser's limit
        b"{" * 100_000,
        b'["\\ud800"]',  # a lone surrogate
        b"\xff\xfe\x00[",  # not UTF-8
        b"\x00" * 1000,
        "\u202e".encode() * 1000,
        b"[]",
        b"[" + b"1," * 20_000 + b"1]",  # more items than the batch allows
        b"null",
        b"123",
        b'"a string"',
        b"\n\n\n",
        b'{"event_id": "e", "ts": "2026-11-22T00:00:00Z"}\n{"half": ',
        orjson.dumps([order()])[:-5],  # truncated
    ],
    ids=lambda b: repr(b[:12]),
)
def test_http_ingest_refuses_malformed_bodies_cleanly(server: Server, body: bytes) -> None:
    resp = httpx.post(
        f"{server.url}/v1/events/orders",
        content=body,
        headers={**ADMIN, "content-type": "application/json"},
        timeout=30,
    )
    assert resp.status_code in (202, 413, 422), resp.text[:300]
    answer = resp.json()  # why the body was refused, or the per-item report
    assert answer.get("detail") or len(answer["rejected"]) >= 1 or answer["accepted"] == 0


def test_http_ingest_refuses_an_oversized_body_before_reading_it(server: Server) -> None:
    body = b"[" + b" " * 6_000_000 + b"]"
    resp = httpx.post(f"{server.url}/v1/events/orders", content=body, headers=ADMIN, timeout=30)
    assert resp.status_code == 413


def test_http_ingest_refuses_an_oversized_chunked_body(server: Server) -> None:
    """No Content-Length (chunked): refused once the bytes read pass the limit."""

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(8):
            yield b" " * 1_000_000

    resp = httpx.post(f"{server.url}/v1/events/orders", content=chunks(), headers=ADMIN, timeout=30)
    assert resp.status_code == 413
    assert httpx.get(f"{server.url}/v1/health").status_code == 200


def read_letters(server: Server, offsets: set[int], want: int, timeout: float = 30) -> list[dict]:
    """The dead letters of the orders topic's messages at ``offsets`` (partition 0)."""
    consumer = KafkaConsumer(
        bootstrap_servers=server.bootstrap, enable_auto_commit=False, consumer_timeout_ms=500
    )
    topic = server.topic("deadletter")
    consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)])
    consumer.seek_to_beginning()
    source = server.topic("orders")
    letters: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(letters) < want and time.monotonic() < deadline:
        for msg in consumer:
            letters += [
                d
                for d in orjson.loads(msg.value)
                if d["source_topic"] == source and d["partition"] == 0 and d["offset"] in offsets
            ]
    consumer.close()
    return letters


def stats(server: Server) -> Counter[str]:
    return Counter(httpx.get(f"{server.url}/v1/stats", headers=ADMIN).json()["counters"])


def test_kafka_input_dead_letters_every_hostile_event_and_keeps_going(server: Server) -> None:
    bad, good = bad_items(), good_items()
    envelope = dumps([item for _, item in good] + [item for _, item in bad])
    messages: list[tuple[str, bytes | None, int]] = [  # (what, value, dead letters expected)
        ("a mixed envelope", envelope, len(bad)),
        ("not JSON", b"{not json", 1),
        ("not UTF-8", b"\xff\xfe\xfd", 1),
        ("empty", b"", 1),
        ("a tombstone", None, 1),
        ("a JSON number", b"42", 1),
        ("a lone surrogate", b'[{"event_id": "\\ud800"}]', 1),
        ("nested 100,000 deep", b"[" * 100_000, 1),
        ("900 kB of garbage", b"\x00garbage" * 100_000, 1),
        ("5,000 bad items", orjson.dumps([order(quantity=0)] * 5_000), 5_000),
        *[(f"alone: {name}", dumps(item), 1) for name, item in bad if isinstance(item, dict)],
    ]
    before = stats(server)
    offsets: dict[int, tuple[str, int]] = {}
    with KafkaProducer(bootstrap_servers=server.bootstrap, max_request_size=2_000_000) as p:
        for what, value, dead in messages:
            meta = p.send(server.topic("orders"), value=value, key=b"k", partition=0).get(
                timeout=10
            )
            offsets[meta.offset] = (what, dead)
    want = sum(dead for _, dead in offsets.values())
    letters = read_letters(server, set(offsets), want)
    per_offset = Counter(d["offset"] for d in letters)
    missing = {
        what: (dead, per_offset[o]) for o, (what, dead) in offsets.items() if per_offset[o] != dead
    }
    assert not missing, f"dead letters (expected, got) per message: {missing}"
    assert all(d["reason"] and len(d["raw"]) <= 16_000 for d in letters)
    assert {d["index"] for d in letters if d["offset"] == min(offsets)} == set(
        range(len(good), len(good) + len(bad))
    )
    # the good items of the mixed envelope went on, and the worker is still judging
    deadline = time.monotonic() + 10
    while stats(server)["events.orders.valid"] - before["events.orders.valid"] < len(good):
        assert time.monotonic() < deadline, "the valid events of the envelope were not counted"
        time.sleep(0.2)
    after = stats(server)
    assert after["events.orders.valid"] - before["events.orders.valid"] == len(good)
    assert server.proc.poll() is None
    ip = f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    resp = httpx.post(
        f"{server.url}/v1/events/orders", json=[order(ip=ip) for _ in range(6)], headers=ADMIN
    )
    assert resp.json()["accepted"] == 6
    deadline = time.monotonic() + 15
    while stats(server)["verdicts"] <= after["verdicts"]:
        assert time.monotonic() < deadline, "the worker stopped judging after hostile input"
        time.sleep(0.2)
