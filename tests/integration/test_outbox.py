"""A rule published while the broker is down is not lost: the outbox keeps it and the
relay delivers it, in order, once the broker is back."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

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
