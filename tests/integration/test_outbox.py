"""A rule published while the broker is down is not lost: the outbox keeps it and the
relay delivers it, in order, once the broker is back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from tests.auth import ADMIN
from tests.conftest import start_warroom, stop_warroom
from tests.faults.traffic import messages
from tests.integration.test_rulebook import publish_max_orders
from warroom.rules.registry import BUILTIN
from warroom.store import outbox, rulebook
from warroom.store.db import Store, migrate
from warroom.streams.admin import ensure_topics
from warroom.streams.broker import embedded_broker, free_port
from warroom.streams.relay import OutboxRelay

pytestmark = pytest.mark.integration

CONTROL = "outboxtest.control.v1"


def control_messages(bootstrap: str) -> list[dict[str, object]]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=1000
    )
    consumer.assign([TopicPartition(CONTROL, 0)])
    consumer.seek_to_beginning()
    messages = [orjson.loads(m.value) for m in consumer]
    consumer.close()
    return messages


async def test_a_publish_committed_while_the_broker_is_down_arrives_when_it_is_back(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    store = Store(url)
    port = free_port()
    relay = OutboxRelay(store, f"127.0.0.1:{port}", poll_s=0.2)
    await relay.start()
    try:
        with store.session() as session:  # nothing listens on the port: the broker is down
            rulebook.ensure_builtin(session, CONTROL)
        with store.session() as session:
            rule = rulebook.get_rule(session, "risk.same_ip_burst")
            rulebook.update_draft(
                session,
                "risk-team",
                rule.id,
                rule.revision,
                {"mode": "enforce", "params": {"max_orders": 7}},
                None,
            )
            rulebook.publish(session, "risk-team", rule.id, None, "while down", CONTROL)
        relay.kick()
        await asyncio.sleep(2)
        # every built-in rule's first version and the publish: kept, not sent, not lost
        assert await asyncio.to_thread(outbox.backlog, store) == len(BUILTIN) + 1

        with embedded_broker(port=port) as bootstrap:
            ensure_topics(bootstrap, [CONTROL], 1, compacted=[CONTROL])
            deadline = time.monotonic() + 30
            while await asyncio.to_thread(outbox.backlog, store) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert await asyncio.to_thread(outbox.backlog, store) == 0
            messages = await asyncio.to_thread(control_messages, bootstrap)
    finally:
        await relay.stop()
        store.dispose()

    sent = [(m["rule_id"], m["version"]) for m in messages]
    assert sent == [(rule_id, 1) for rule_id, _, _ in BUILTIN] + [("risk.same_ip_burst", 2)]
    assert messages[-1]["body"] == {
        "mode": "enforce",
        "params": {"max_orders": 7, "window_s": 60, "score": 60.0},
    }


async def test_a_control_topic_the_broker_lost_holds_each_keys_latest_message_again(
    tmp_path: Path,
) -> None:
    """tansu keeps topics in memory: after its restart the compacted control topic is
    empty, and a worker starting then would judge with no published version at all."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    store = Store(url)
    port = free_port()
    relay = OutboxRelay(store, f"127.0.0.1:{port}", poll_s=0.2)
    try:
        with embedded_broker(port=port) as bootstrap:
            ensure_topics(bootstrap, [CONTROL], 1, compacted=[CONTROL])
            await relay.start()
            with store.session() as session:
                rulebook.ensure_builtin(session, CONTROL)
            for max_orders in (7, 8):  # versions 2 and 3 of one rule
                with store.session() as session:
                    rule = rulebook.get_rule(session, "risk.same_ip_burst")
                    body = {"mode": "enforce", "params": {"max_orders": max_orders}}
                    rulebook.update_draft(session, "risk-team", rule.id, rule.revision, body, None)
                    rulebook.publish(session, "risk-team", rule.id, None, "", CONTROL)
            await until_sent(store)
        with embedded_broker(port=port) as bootstrap:  # restarted: no topics at all
            ensure_topics(bootstrap, [CONTROL], 1, compacted=[CONTROL])
            assert await asyncio.to_thread(control_messages, bootstrap) == []
            assert await relay.resend_latest(CONTROL) == len(BUILTIN)
            await until_sent(store)
            messages = await asyncio.to_thread(control_messages, bootstrap)
    finally:
        await relay.stop()
        store.dispose()

    # each rule once, its latest version, in the order they were committed
    latest = [(rule_id, 1) for rule_id, _, _ in BUILTIN if rule_id != "risk.same_ip_burst"]
    assert [(m["rule_id"], m["version"]) for m in messages] == [*latest, ("risk.same_ip_burst", 3)]
    assert messages[-1]["body"]["params"]["max_orders"] == 8


async def until_sent(store: Store, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while await asyncio.to_thread(outbox.backlog, store) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert await asyncio.to_thread(outbox.backlog, store) == 0


async def test_an_api_started_on_a_new_broker_refills_the_control_topic(tmp_path: Path) -> None:
    """The embedded demo run again: a new tansu, the same SQL store. The workers that
    start on it learn the versions published in the earlier run."""
    with embedded_broker() as first:
        api = start_warroom(first, tmp_path, command="api")
        try:
            async with httpx.AsyncClient(base_url=api.url, headers=ADMIN, timeout=30) as client:
                version = await publish_max_orders(client, 9)
        finally:
            stop_warroom(api)
    with embedded_broker() as second:
        again = start_warroom(second, tmp_path, command="api", app_id=api.app_id)
        try:
            control = again.topic("control")
            deadline, found = time.monotonic() + 20, []
            while not found and time.monotonic() < deadline:
                found = [
                    m
                    for m in await asyncio.to_thread(messages, second, control)
                    if m.get("rule_id") == "risk.same_ip_burst"
                ]
        finally:
            stop_warroom(again)
    assert [(m["version"], m["body"]["params"]["max_orders"]) for m in found] == [(version, 9)]
