"""Agent state held as a dict by key, cut by the partition of its key for checkpoints and
replay (``recovery.py``): the shape the radar, commission and A/B test agents share.

Checkpoints are pickled, or MessagePack when the value type is given (``typed``): the
commission agent keeps a week of orders, 8-10 µs an order to pickle in the event loop and
~10× less this way (session 12). Pickled checkpoints still load into a typed state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, pack_typed, typed_reader, unpack, unpack_typed

#: Pickled checkpoints (1); MessagePack of a typed state (2).
PICKLED, TYPED = 1, 2
V = TypeVar("V")


class KeyedState(Generic[V]):
    """``items[key]`` for every key this worker holds; ``replay`` re-adds raw messages."""

    def __init__(
        self,
        partitions: int,
        replay_one: Callable[[bytes], object],
        typed: Any = None,
        upgrade: Callable[[dict[str, Any]], dict[str, V]] | None = None,
        pickled_classes: Mapping[str, type] | None = None,
    ) -> None:
        """``typed``: the values' type, for MessagePack checkpoints; ``upgrade`` and
        ``pickled_classes``: how a pickled checkpoint of before becomes today's values
        (``snapshots.unpack_typed``)."""
        self.partitions = partitions
        self.items: dict[str, V] = {}
        self._replay_one = replay_one
        self._reader = None if typed is None else typed_reader(dict[str, typed])
        self._upgrade, self._classes = upgrade, pickled_classes

    def _on(self, partition: int) -> list[str]:
        if self.partitions == 1:
            return list(self.items)
        return [k for k in self.items if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        saved = {k: self.items[k] for k in self._on(partition)}
        return pack(PICKLED, saved) if self._reader is None else pack_typed(TYPED, saved)

    def load(self, partition: int, data: bytes | None) -> None:
        for k in self._on(partition):
            del self.items[k]
        if data is None:
            return
        if self._reader is None:
            saved = unpack(data, PICKLED)
        else:
            saved = unpack_typed(data, TYPED, self._reader, PICKLED, self._upgrade, self._classes)
        self.items.update(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        """Add the messages again, deciding nothing (their decisions went out before)."""
        for raw in values:
            self._replay_one(raw)
