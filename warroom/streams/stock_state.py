"""Each SKU's stock as a worker keeps it: the last stock level, the orders since, the
campaigns selling it and those already stopped for it. Cut by partition of the sku-stock
topic for checkpoints and replay (``recovery.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from warroom.rules.flash.stock_guard import StockCount
from warroom.schemas.flash import SkuFlow
from warroom.streams.codecs import decode_trusted
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack

FORMAT = 1


@dataclass
class SkuStock:
    shop_id: str
    available: int | None = None  # None: no stock level yet
    since: float = 0.0  # event time of the last stock level
    orders: dict[str, tuple[float, int]] = field(default_factory=dict)  # id -> (ts, units)
    campaigns: set[str] = field(default_factory=set)
    stopped: set[str] = field(default_factory=set)

    def add(self, flow: SkuFlow) -> bool:
        """Count ``flow``; True when it changes the countdown."""
        if flow.kind == "stock":
            if self.available is not None and flow.ts < self.since:
                return False  # an older level than the one we have
            self.set_level(flow.units, flow.ts)
            return True
        if flow.campaign_id is not None:
            self.campaigns.add(flow.campaign_id)
        if flow.ts < self.since or flow.id in self.orders:
            return False  # the level already counts it, or a resent order
        self.orders[flow.id] = (flow.ts, flow.units)
        return True

    def set_level(self, available: int, since: float) -> None:
        """A new stock level: orders before it are in it; stopped campaigns may run again."""
        self.available, self.since = available, since
        self.orders = {k: v for k, v in self.orders.items() if v[0] >= since}
        self.stopped = set()

    def count(self, sku: str, now: float, pace_window_s: int) -> StockCount | None:
        if self.available is None:
            return None
        sold = sum(units for _, units in self.orders.values())
        recent = sum(u for ts, u in self.orders.values() if ts > now - pace_window_s)
        return StockCount(sku, self.available, sold, recent)


class StockState:
    """Every SKU this worker counts, by SKU."""

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self.skus: dict[str, SkuStock] = {}

    def add(self, flow: SkuFlow) -> bool:
        sku = self.skus.setdefault(flow.sku, SkuStock(flow.shop_id))
        return sku.add(flow)

    def _on(self, partition: int) -> list[str]:
        return [k for k in self.skus if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        saved = {k: self.skus[k] for k in self._on(partition)}
        return pack(FORMAT, saved)

    def load(self, partition: int, data: bytes | None) -> None:
        for k in self._on(partition):
            del self.skus[k]
        if data is None:
            return
        saved = unpack(data, FORMAT)
        self.skus.update(saved)

    def replay(self, values: Iterable[bytes]) -> None:
        """Count the messages again, deciding nothing (their decisions went out before)."""
        for raw in values:
            for flow in decode_trusted(SkuFlow, raw):
                self.add(flow)
