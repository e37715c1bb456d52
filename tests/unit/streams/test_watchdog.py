"""The broker watch without a broker: a broker that does not answer is noticed at once,
and the ingest producer behind the watch refuses events at once (the API's 503) instead
of waiting for aiokafka's 40 s request timeout."""

from __future__ import annotations

import time

import pytest

from warroom.errors import BrokerError
from warroom.schemas.events import Event
from warroom.streams import stats
from warroom.streams.broker import free_port
from warroom.streams.watchdog import BrokerWatch, GuardedProducer, reachable


async def test_a_broker_that_does_not_answer_is_noticed_at_once() -> None:
    bootstrap = f"127.0.0.1:{free_port()}"  # nobody listens there
    watch = BrokerWatch(bootstrap, partitions=2)
    lost = stats.counters["broker.lost"]
    started = time.monotonic()
    await watch.refresh()
    assert watch.lost and stats.counters["broker.lost"] == lost + 1
    with pytest.raises(BrokerError, match="not answering"):
        await watch.ready()
    assert time.monotonic() - started < 2


async def test_ingest_is_refused_at_once_while_the_broker_is_away() -> None:
    watch = BrokerWatch(f"127.0.0.1:{free_port()}", partitions=2)
    await watch.refresh()
    producer = GuardedProducer(watch.bootstrap, watch)  # never started: not reached
    started = time.monotonic()
    with pytest.raises(BrokerError):
        await producer.send("clicks", list[Event]())
    assert time.monotonic() - started < 2


def test_reachable_tries_every_bootstrap_address() -> None:
    closed = f"127.0.0.1:{free_port()}"
    assert not reachable(f"{closed},{closed}")
    assert not reachable("not-an-address")


async def test_the_api_answers_a_broker_error_with_503_and_retry_after() -> None:
    from starlette.requests import Request

    from warroom.api.main import warroom_error

    resp = await warroom_error(Request({"type": "http"}), BrokerError("the broker is away"))
    assert resp.status_code == 503 and resp.headers["retry-after"] == "1"
