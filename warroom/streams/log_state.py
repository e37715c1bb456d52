"""A sliding log per entity (IP, device, user, payer) cut by partition of the topic keyed
by that entity, for checkpoints and replay (``recovery.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from warroom.schemas.events import Order
from warroom.streams.codecs import decode_trusted
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack
from warroom.streams.windows import SlidingLog

FORMAT = 1
#: What a message adds to the log: (key, event time, item id) entries.
Entries = Callable[[bytes], Iterable[tuple[str, float, str]]]


def order_entries(key: Callable[[Order], str | None]) -> Entries:
    """Entries for a topic of orders logged under ``key`` (orders without one: none)."""

    def entries(raw: bytes) -> Iterable[tuple[str, float, str]]:
        for order in decode_trusted(Order, raw):
            if (k := key(order)) is not None:
                yield k, order.ts.timestamp(), order.order_id

    return entries


class LogState:
    def __init__(self, log: Callable[[], SlidingLog], entries: Entries, partitions: int) -> None:
        self.log = log  # looked up each time: tests swap the log for a fresh one
        self.entries = entries
        self.partitions = partitions

    def _on(self, partition: int) -> list[str]:
        return [k for k in self.log().ids() if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        return pack(FORMAT, self.log().export(self._on(partition)))

    def load(self, partition: int, data: bytes | None) -> None:
        self.log().forget(self._on(partition))
        if data is None:
            return
        saved = unpack(data, FORMAT)
        self.log().restore(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        """Log the messages again, judging none (their verdicts went out before)."""
        for raw in values:
            for key, ts, item_id in self.entries(raw):
                self.log().add(key, ts, item_id)
