"""Agent state held as a dict by key, cut by the partition of its key for checkpoints and
replay (``recovery.py``): the shape the flash-sale and radar agents share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack

FORMAT = 1
V = TypeVar("V")


class KeyedState(Generic[V]):
    """``items[key]`` for every key this worker holds; ``replay`` re-adds raw messages."""

    def __init__(self, partitions: int, replay_one: Callable[[bytes], object]) -> None:
        self.partitions = partitions
        self.items: dict[str, V] = {}
        self._replay_one = replay_one

    def _on(self, partition: int) -> list[str]:
        return [k for k in self.items if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        saved = {k: self.items[k] for k in self._on(partition)}
        return pack(FORMAT, saved)

    def load(self, partition: int, data: bytes | None) -> None:
        for k in self._on(partition):
            del self.items[k]
        if data is None:
            return
        saved = unpack(data, FORMAT)
        self.items.update(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        """Add the messages again, deciding nothing (their decisions went out before)."""
        for raw in values:
            self._replay_one(raw)
