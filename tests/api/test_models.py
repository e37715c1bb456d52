"""``/v1/models`` in-process against the real broker: each version's rolling quality as the
learners report it, champion switches, and an operator's rollback (admin; audited; sent to
every worker on the model-commands topic)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from tests.api.models_topic import eventually, make_client, make_producer, publish, uid
from warroom.schemas.models import ModelReport, ModelSwitch, QualityFigures
from warroom.streams import model_topics

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from make_client(broker, tmp_path_factory)


@pytest.fixture(scope="module")
def producer(broker: str) -> Iterator[KafkaProducer]:
    yield from make_producer(broker)


def report(version: str, role: str, auc: float, source: str, **kw: Any) -> ModelReport:
    return ModelReport(
        key=f"{version}|{role}|{uid()}",
        model="match",
        version=version,
        role=role,  # type: ignore[arg-type]
        examples=5000,
        window=5000,
        positives=340,
        auc=auc,
        logloss=0.22,
        baseline_auc=0.5,
        baseline_logloss=0.25,
        source=source,
        updated_at=time.time(),
        **kw,
    )


def models(client: TestClient, source: str) -> list[dict[str, Any]]:
    return [m for m in client.get("/v1/models").json()["data"] if m["source"] == source]


def test_rollback_without_a_challenger_is_refused(client: TestClient) -> None:
    if any(m["role"] == "challenger" for m in client.get("/v1/models").json()["data"]):
        pytest.skip("another test published a challenger on this broker already")
    assert client.post("/v1/models/match/rollback", json={}).status_code == 409
    assert client.post("/v1/models/nope/rollback", json={}).status_code == 404
    assert client.post("/v1/models/match/explode", json={}).status_code == 422


def test_reports_list_every_version_with_its_quality_and_baseline(
    client: TestClient, producer: KafkaProducer
) -> None:
    source = f"w-{uid()}"
    publish(
        producer,
        report("match@1", "champion", 0.71, source),
        report("match@2", "challenger", 0.69, source, checkpoint_error="bad checksum"),
    )
    listed = eventually(lambda: len(models(client, source)) == 2 and models(client, source))
    assert [(m["version"], m["role"]) for m in listed] == [
        ("match@1", "champion"),
        ("match@2", "challenger"),
    ]
    champion = listed[0]
    assert (
        champion["auc"] > champion["baseline_auc"]
        and champion["logloss"] < champion["baseline_logloss"]
    )
    assert listed[1]["checkpoint_error"] == "bad checksum"
    feed = client.app.state.runtime.feed  # type: ignore[attr-defined]
    assert any(i.kind == "model" and i.record["source"] == source for i in feed.recent)


def test_an_admin_rollback_is_audited_and_sent_to_the_workers(
    client: TestClient, producer: KafkaProducer, broker: str
) -> None:
    source = f"w-{uid()}"
    publish(
        producer,
        report("match@2", "champion", 0.7, source),
        report("match@1", "challenger", 0.72, source),
    )
    eventually(lambda: len(models(client, source)) == 2)
    resp = client.post("/v1/models/match/rollback", json={"reason": f"ops {source}"})
    assert resp.status_code == 202
    assert resp.json()["action"] == "rollback" and resp.json()["model"] == "match"
    audit = client.get("/v1/audit", params={"resource": "model", "resource_id": "match"}).json()
    assert any(e["after"]["reason"] == f"ops {source}" for e in audit["data"])
    consumer = KafkaConsumer(bootstrap_servers=broker, consumer_timeout_ms=200)
    topic = model_topics.model_commands.get_topic_name()
    tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)

    def sent() -> bool:
        return any(orjson.loads(m.value)["reason"] == f"ops {source}" for m in consumer)

    assert eventually(sent)
    consumer.close()


def test_switches_are_listed_newest_first_and_reach_the_feed(
    client: TestClient, producer: KafkaProducer
) -> None:
    figures = QualityFigures(examples=3000, auc=0.7)
    keys = [f"match|promote|{uid()}" for _ in range(2)]
    for key in keys:
        publish(
            producer,
            ModelSwitch(
                key=key,
                model="match",
                action="promote",
                champion="match@2",
                previous="match@1",
                reason="rolling AUC",
                by="model:match",
                champion_quality=figures,
                previous_quality=figures,
                source="w",
                at=time.time(),
            ),
        )

    def switches() -> list[str]:
        data = client.get("/v1/models/switches").json()["data"]
        return [s["key"] for s in data if s["key"] in keys]

    listed = eventually(lambda: len(switches()) == 2 and switches())
    assert listed == keys[::-1]
    feed = client.app.state.runtime.feed  # type: ignore[attr-defined]
    assert {i.record["key"] for i in feed.recent if i.kind == "model_switch"} >= set(keys)


def test_only_admins_roll_back(client: TestClient) -> None:
    from tests.auth import bearer, make_key

    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    risk = bearer(make_key(store, "risk", None))
    assert client.post("/v1/models/match/rollback", json={}, headers=risk).status_code == 403
    assert client.get("/v1/models", headers=risk).status_code == 200
