"""Helpers of the model API tests: an API on the session broker, and records written to
the ``models`` topic as the learners would."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kafka import KafkaProducer
from pydantic import BaseModel

from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.api.main import create_api
from warroom.settings import get_settings
from warroom.streams import model_topics
from warroom.streams.codecs import encode_envelope


def uid() -> str:
    return uuid.uuid4().hex[:8]


def make_api(broker: str, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("models-api"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    return create_api(settings, broker)


def make_client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(make_api(broker, tmp_path_factory), headers=ADMIN) as c:
        yield c


def make_producer(broker: str) -> Iterator[KafkaProducer]:
    p = KafkaProducer(bootstrap_servers=broker)
    yield p
    p.close()


def publish(producer: KafkaProducer, *records: BaseModel) -> None:
    topic = model_topics.models.get_topic_name()
    producer.send(topic, encode_envelope(records), partition=0).get(10)


def eventually(check: Callable[[], Any], timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)
