"""A sliding log of orders per entity (IP, device, user) cut by partition of the topic
keyed by that entity, for checkpoints and replay (``recovery.py``)."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable

from warroom.schemas.events import Order
from warroom.streams.codecs import decode_trusted
from warroom.streams.partitioning import partition_for
from warroom.streams.windows import SlidingLog

FORMAT = 1


class LogState:
    def __init__(
        self, log: Callable[[], SlidingLog], key: Callable[[Order], str | None], partitions: int
    ) -> None:
        self.log = log  # looked up each time: tests swap the log for a fresh one
        self.key = key
        self.partitions = partitions

    def _on(self, partition: int) -> list[str]:
        return [k for k in self.log().ids() if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        saved = (FORMAT, self.log().export(self._on(partition)))
        return pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)

    def load(self, partition: int, data: bytes | None) -> None:
        self.log().forget(self._on(partition))
        if data is None:
            return
        version, saved = pickle.loads(data)  # our own rows, written by dump()
        if version != FORMAT:
            raise ValueError(f"checkpoint format {version}, expected {FORMAT}")
        self.log().restore(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        """Log the orders again, judging none (their verdicts went out before)."""
        for raw in values:
            for order in decode_trusted(Order, raw):
                if (key := self.key(order)) is not None:
                    self.log().add(key, order.ts.timestamp(), order.order_id)
