"""The payment agent's memory (recent orders, payment sightings, parked payments) cut by
partition of payments-by-order (keyed by order id), for checkpoints and replay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from warroom.rules.risk.duplicate_payment import Sighting
from warroom.schemas.internal import OrderOrPayment, OrderSeen
from warroom.streams.codecs import decode_trusted
from warroom.streams.ledger import ParkingLot, Recent
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack

FORMAT = 1


class PaymentState:
    def __init__(
        self,
        orders: Recent[OrderSeen],
        sightings: Recent[Sighting],
        parked: ParkingLot,
        remember: Callable[[OrderOrPayment], None],
        partitions: int,
    ) -> None:
        self.orders, self.sightings, self.parked = orders, sightings, parked
        self.remember = remember
        self.partitions = partitions

    def _mine(self, partition: int) -> Callable[[str], bool]:
        return lambda order_id: partition_for(order_id, self.partitions) == partition

    def _held(self, partition: int) -> tuple[list[str], list[str], list[Any]]:
        mine = self._mine(partition)
        orders = [k for k in self.orders.ids() if mine(k)]
        sightings = [
            k for k in self.sightings.ids() if (s := self.sightings.get(k)) and mine(s.order_id)
        ]
        return orders, sightings, [p for p in self.parked.payments() if mine(p.order_id)]

    def dump(self, partition: int) -> bytes:
        orders, sightings, parked = self._held(partition)
        saved_orders = [(k, self.orders.get(k)) for k in orders]
        saved_sightings = [(k, self.sightings.get(k)) for k in sightings]
        return pack(FORMAT, (saved_orders, saved_sightings, parked))

    def load(self, partition: int, data: bytes | None) -> None:
        orders, sightings, parked = self._held(partition)
        for k in orders:
            self.orders.pop(k)
        for k in sightings:
            self.sightings.pop(k)
        for payment in parked:
            self.parked.remove(payment)
        if data is None:
            return
        saved_orders, saved_sightings, saved_parked = unpack(data, FORMAT)
        for k, order in saved_orders:
            self.orders.put(k, order.ts, order)
        for k, sighting in saved_sightings:
            self.sightings.put(k, sighting.ts, sighting)
        for payment in saved_parked:
            self.parked.park(payment)

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            for item in decode_trusted(OrderOrPayment, raw):
                self.remember(item)
