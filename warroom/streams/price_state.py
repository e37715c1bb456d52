"""The SKU price averages cut by partition of orders-by-sku, for checkpoints and replay."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from warroom.schemas.events import Order
from warroom.streams.codecs import decode_trusted
from warroom.streams.partitioning import partition_for
from warroom.streams.prices import SkuPrices
from warroom.streams.snapshots import pack, unpack

FORMAT = 1


class PriceState:
    def __init__(self, prices: Callable[[], SkuPrices], partitions: int) -> None:
        self.prices = prices
        self.partitions = partitions

    def _on(self, partition: int) -> list[str]:
        return [k for k in self.prices().skus() if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        return pack(FORMAT, self.prices().export(self._on(partition)))

    def load(self, partition: int, data: bytes | None) -> None:
        self.prices().forget(self._on(partition))
        if data is None:
            return
        saved = unpack(data, FORMAT)
        self.prices().restore(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            for order in decode_trusted(Order, raw):
                self.prices().learn(order)
