"""The embedded broker's topics get one partition unless ``WARROOM_PARTITIONS`` is set; a
configured broker keeps the setting (default 4). On the real embedded tansu broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from warroom import settings as settings_module
from warroom.cli import EMBEDDED_PARTITIONS, kafka
from warroom.settings import Settings, get_settings
from warroom.streams import topics, watchdog


@pytest.fixture(autouse=True)
def keep_process_settings() -> Iterator[None]:
    before = settings_module._current
    yield
    settings_module._current = before


def test_the_embedded_broker_gets_one_partition_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WARROOM_PARTITIONS", raising=False)
    monkeypatch.delenv("WARROOM_KAFKA_BOOTSTRAP", raising=False)
    with kafka(Settings()) as used:
        assert used.partitions == EMBEDDED_PARTITIONS == 1
        assert get_settings() is used  # what the worker will read
        names = topics.ensure_all(used.kafka_bootstrap, used.partitions)
        found = watchdog.look(used.kafka_bootstrap, names)
    assert found is not None
    assert {count for _, count in found.values()} == {1}


def test_an_explicit_partition_count_is_kept_on_the_embedded_broker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WARROOM_PARTITIONS", "3")
    monkeypatch.delenv("WARROOM_KAFKA_BOOTSTRAP", raising=False)
    with kafka(Settings()) as used:
        assert used.partitions == 3


def test_a_configured_broker_keeps_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WARROOM_PARTITIONS", raising=False)
    configured = Settings(kafka_bootstrap="127.0.0.1:9")
    with kafka(configured) as used:
        assert used is configured and used.partitions == 4
