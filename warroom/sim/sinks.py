"""Where simulated traffic goes: warroom's public ingest paths, HTTP or Kafka."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import httpx
import orjson
from aiokafka import AIOKafkaProducer

from warroom.errors import BrokerError
from warroom.streams.partitioning import group_by_partition
from warroom.streams.routing import INPUT_KEYS

log = logging.getLogger(__name__)


class Sink(Protocol):
    async def start(self) -> None: ...
    async def send(self, kind: str, events: Sequence[dict[str, Any]]) -> None: ...
    async def stop(self) -> None: ...


class HttpSink:
    """POST JSON arrays to ``/v1/events/{kind}``; counts what the API rejected."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.rejected = 0
        self.failed = 0
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=10,
            headers={"authorization": f"Bearer {self.api_key}"},
        )

    async def send(self, kind: str, events: Sequence[dict[str, Any]]) -> None:
        if self._client is None:
            raise RuntimeError("HttpSink.start() was not called")
        try:
            resp = await self._client.post(
                f"/v1/events/{kind}",
                content=orjson.dumps(events),
                headers={"content-type": "application/json"},
            )
        except httpx.TransportError as exc:
            self.failed += len(events)
            log.warning("POST /v1/events/%s failed: %r", kind, exc)
            return
        if resp.status_code not in (202, 422):
            self.failed += len(events)
            log.warning("POST /v1/events/%s: %d %s", kind, resp.status_code, resp.text[:200])
            return
        self.rejected += len(resp.json().get("rejected", []))

    async def stop(self) -> None:
        if self._client:
            await self._client.aclose()


class KafkaSink:
    """Produce envelopes (JSON arrays) to the input topics, one per partition."""

    def __init__(self, bootstrap: str, topic_prefix: str = "warroom") -> None:
        self.prefix, self.bootstrap = topic_prefix, bootstrap
        self._producer: AIOKafkaProducer | None = None  # made in start: it needs the loop
        self._partitions: dict[str, int] = {}

    async def start(self) -> None:
        """Connect; a ``BrokerError`` when warroom's input topics are not there (warroom
        creates them when it starts; a send never does, see ``streams/metadata.py``)."""
        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, linger_ms=5)
        await self._producer.start()
        metadata = await self._producer.client.fetch_all_metadata()
        missing = sorted({self._topic(kind) for kind in INPUT_KEYS} - metadata.topics())
        if missing:
            await self.stop()
            raise BrokerError(
                f"{', '.join(missing)} not at {self.bootstrap}: warroom creates its topics"
                " when it starts (warroom serve or warroom worker, with the same"
                f" WARROOM_APP_ID as here: {self.prefix!r})"
            )

    def _topic(self, kind: str) -> str:
        return f"{self.prefix}.{kind}.v1"

    async def send(self, kind: str, events: Sequence[dict[str, Any]]) -> None:
        assert self._producer is not None, "send before start"
        topic = self._topic(kind)
        if topic not in self._partitions:
            self._partitions[topic] = len(await self._producer.partitions_for(topic))
        key = INPUT_KEYS[kind]
        groups = group_by_partition(events, lambda e: str(e[key]), self._partitions[topic])
        for partition, group in groups.items():
            await self._producer.send(topic, orjson.dumps(group), partition=partition)

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
