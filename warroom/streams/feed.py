"""The live feed: decisions and verdicts fanned out to every subscriber in this process."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class FeedItem:
    kind: str
    entities: frozenset[str]
    record: dict[str, Any]
    data: bytes


@dataclass(frozen=True, slots=True)
class Filter:
    """Which items a subscriber wants: by kind, by one entity such as ``ip:1.2.3.4``,
    and only from some shops."""

    kinds: frozenset[str] = frozenset()
    entity: str | None = None
    shops: frozenset[str] | None = None  # a shop-scoped reader sees only its shops

    def __call__(self, item: FeedItem) -> bool:
        if self.kinds and item.kind not in self.kinds:
            return False
        if self.shops is not None and not any(f"shop:{s}" in item.entities for s in self.shops):
            return False
        return self.entity is None or self.entity in item.entities


class Subscription:
    """A bounded queue: a slow reader loses its oldest items (counted in ``dropped``);
    it never blocks the feed."""

    def __init__(self, wants: Filter, size: int) -> None:
        self.wants = wants
        self.queue: asyncio.Queue[FeedItem] = asyncio.Queue(size)
        self.dropped = 0

    def offer(self, item: FeedItem) -> None:
        if not self.wants(item):
            return
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(item)


class FeedHub:
    """Keeps the most recent items and hands every new one to the matching subscribers.

    Delivery upstream is at-least-once: a record whose idempotency ``key`` (and result:
    a budget decision is shown when proposed and again when applied) was among the last
    ``dedupe`` keys is a redelivery and is shown once only.
    """

    def __init__(self, recent: int = 500, queue_size: int = 1000, dedupe: int = 100_000) -> None:
        self.recent: deque[FeedItem] = deque(maxlen=recent)
        self.queue_size = queue_size
        self._subs: set[Subscription] = set()
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._dedupe = dedupe
        self.published = 0
        self.duplicates = 0

    def publish_envelope(self, topic: str, raw: bytes) -> None:
        """Handler for a topic tail: every record of the envelope becomes a feed item."""
        value = orjson.loads(raw)
        for record in value if isinstance(value, list) else [value]:
            self.publish(record)

    def _is_repeat(self, key: Any) -> bool:
        if key is None:
            return False
        if key in self._keys:
            return True
        self._keys[key] = None
        if len(self._keys) > self._dedupe:
            self._keys.popitem(last=False)
        return False

    def publish(self, record: dict[str, Any]) -> None:
        key = record.get("key")
        if self._is_repeat(None if key is None else f"{key}|{record.get('result', '')}"):
            self.duplicates += 1
            return
        item = FeedItem(
            str(record.get("kind", "unknown")),
            frozenset(record.get("entities", ())),
            record,
            orjson.dumps(record),
        )
        self.recent.append(item)
        self.published += 1
        for sub in self._subs:
            sub.offer(item)

    @contextmanager
    def subscribe(self, wants: Filter, backlog: int = 0) -> Iterator[Subscription]:
        """Subscribe for the block, first receiving up to ``backlog`` recent matching items."""
        sub = Subscription(wants, self.queue_size)
        for item in [i for i in self.recent if wants(i)][-backlog:] if backlog else []:
            sub.offer(item)
        self._subs.add(sub)
        try:
            yield sub
        finally:
            self._subs.discard(sub)
