"""``warroom simulate --kafka`` as a platform team runs it against a broker: it refuses
clearly when warroom has not created its topics there, and otherwise streams traffic
into warroom's input topics."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition

from warroom.streams.admin import ensure_topics
from warroom.streams.routing import INPUT_KEYS
from warroom.streams.watchdog import look

pytestmark = pytest.mark.e2e


def simulate(broker: str, app_id: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    args = ["simulate", "--kafka", broker, "--rate", "300", "--duration", "2", "--seed", "3"]
    return subprocess.run(
        [sys.executable, "-m", "warroom", *args],
        env=env | {"WARROOM_APP_ID": app_id},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def messages_on(broker: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=broker)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


def test_simulate_streams_into_warroom_topics_and_refuses_without_them(
    broker: str, tmp_path: Path
) -> None:
    app_id = f"sim{uuid.uuid4().hex[:6]}"
    refused = simulate(broker, app_id, tmp_path)
    assert refused.returncode == 2, refused.stderr[-2000:]
    assert f"{app_id}.clicks.v1" in refused.stderr
    assert "warroom creates its topics when it starts" in refused.stderr
    inputs = [f"{app_id}.{kind}.v1" for kind in INPUT_KEYS]
    assert look(broker, inputs) == {}  # none created by asking

    ensure_topics(broker, inputs, 2)  # as warroom
    sent = simulate(broker, app_id, tmp_path)
    assert sent.returncode == 0, sent.stderr[-2000:]
    assert messages_on(broker, f"{app_id}.clicks.v1") > 0
