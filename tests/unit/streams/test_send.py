"""Records sent to several topics may be written as JSON once: the envelopes are the same."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from tests.unit.streams.test_codecs import order as order_fields
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.streams.codecs import decode_trusted, record_json
from warroom.streams.partitioning import partition_for
from warroom.streams.send import send_envelopes


class Recorder:
    """Stands in for a Faust topic: keeps what was sent, by partition."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, bytes]] = []

    async def send(self, *, value: bytes, partition: int, callback: Any = None) -> None:
        self.sent.append((partition, value))

    def get_topic_name(self) -> str:
        return "test.orders"


def order(n: int) -> Order:
    """An order on one of seven IPs (so several land on each partition)."""
    return Order.model_validate(order_fields(n, ip=f"10.0.0.{n % 7}"))


def sent(records: list[Order], **kwargs: Any) -> list[tuple[int, bytes]]:
    topic = Recorder()
    asyncio.run(send_envelopes(topic, records, key=lambda o: o.ip, **kwargs))  # type: ignore[arg-type]
    return topic.sent


def test_envelopes_from_records_written_once_are_the_same() -> None:
    orders = [order(n) for n in range(40)]

    plain = sent(orders)
    written = sent(orders, written=[record_json(o) for o in orders])

    assert written == plain
    partitions = get_settings().partitions
    for partition, envelope in written:
        got = decode_trusted(Order, envelope)
        assert got == [o for o in orders if partition_for(o.ip, partitions) == partition]


def test_an_envelope_keeps_within_the_size_limit_with_records_written_once() -> None:
    orders = [order(n) for n in range(3000)]  # ~1.1 MB of JSON on one key
    same_ip = [o.model_copy(update={"ip": "10.0.0.1"}) for o in orders]

    envelopes = sent(same_ip, written=[record_json(o) for o in same_ip])

    assert len(envelopes) > 1
    assert all(len(e) <= 512 * 1024 for _, e in envelopes)
    assert sum(len(orjson.loads(e)) for _, e in envelopes) == 3000
