"""Per-shop tallies (night surges, refund spikes) cut by partition of a topic keyed by
shop, for checkpoints and replay. A SKU's counts go with the shop that sells it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack

FORMAT = 1


class ShopTally(Protocol):
    def owned(self, shops: Callable[[str], bool]) -> list[Any]: ...
    def export(self, idents: Iterable[Any]) -> dict[str, Any]: ...
    def restore(self, saved: dict[str, Any]) -> None: ...
    def forget(self, idents: Iterable[Any]) -> None: ...


class ShopState:
    def __init__(
        self,
        tally: Callable[[], ShopTally],
        replay_one: Callable[[bytes], None],
        partitions: int,
    ) -> None:
        self.tally = tally
        self.replay_one = replay_one
        self.partitions = partitions

    def _on(self, partition: int) -> list[Any]:
        return self.tally().owned(lambda shop: partition_for(shop, self.partitions) == partition)

    def dump(self, partition: int) -> bytes:
        return pack(FORMAT, self.tally().export(self._on(partition)))

    def load(self, partition: int, data: bytes | None) -> None:
        self.tally().forget(self._on(partition))
        if data is None:
            return
        saved = unpack(data, FORMAT)
        self.tally().restore(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            self.replay_one(raw)
