"""The payment agent's memory (recent orders, payment sightings, parked payments) cut by
partition of payments-by-order (keyed by order id), for checkpoints and replay.

A checkpoint holds the orders and sightings as plain tuples in MessagePack and the parked
payments as their JSON. Pickling the models took 10-17 µs an entry, in the event loop,
every checkpoint (50,000 orders and their payments: 0.6-0.9 s); this way takes 7× less at
10,000 orders, 3-5× less at 50,000 (``benchmarks/bench_checkpoints.py``, session 12).
Pickled checkpoints of format 1 still load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from warroom.rules.risk.duplicate_payment import Sighting
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderOrPayment, OrderSeen
from warroom.streams.codecs import decode_trusted, record_json
from warroom.streams.ledger import ParkingLot, Recent
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack_typed, typed_reader, unpack_typed

#: Checkpoints: MessagePack tuples (2) since session 12, pickles (1) before.
FORMAT, PICKLED = 2, 1
#: key, order id, shop, user, amount, event time
SavedOrder = tuple[str, str, str, str, Decimal, float]
#: key (payment id), event id, event time, order id, amount, status
SavedSighting = tuple[str, str, float, str, Decimal, str]
Saved = tuple[list[SavedOrder], list[SavedSighting], list[bytes]]
_reader = typed_reader(Saved)


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
        if self.partitions == 1:
            return lambda order_id: True
        return lambda order_id: partition_for(order_id, self.partitions) == partition

    def dump(self, partition: int) -> bytes:
        mine = self._mine(partition)
        saved: Saved = (
            [_order_row(k, o) for k, o in self.orders.items() if mine(k)],
            [_sighting_row(k, s) for k, s in self.sightings.items() if mine(s.order_id)],
            [record_json(p) for p in self.parked.payments() if mine(p.order_id)],
        )
        return pack_typed(FORMAT, saved)

    def load(self, partition: int, data: bytes | None) -> None:
        mine = self._mine(partition)
        for k in [k for k, _ in self.orders.items() if mine(k)]:
            self.orders.pop(k)
        for k in [k for k, s in self.sightings.items() if mine(s.order_id)]:
            self.sightings.pop(k)
        for payment in [p for p in self.parked.payments() if mine(p.order_id)]:
            self.parked.remove(payment)
        if data is None:
            return
        saved: Saved = unpack_typed(data, FORMAT, _reader, pickled=PICKLED, upgrade=_upgrade)
        orders, sightings, parked = saved
        for k, order_id, shop_id, user_id, amount, ts in orders:
            seen = OrderSeen.model_construct(
                order_id=order_id, shop_id=shop_id, user_id=user_id, amount=amount, ts=ts
            )
            self.orders.put(k, ts, seen)
        for k, event_id, ts, order_id, amount, status in sightings:
            self.sightings.put(k, ts, Sighting(event_id, ts, order_id, amount, status))
        if parked:
            for payment in decode_trusted(Payment, b"[" + b",".join(parked) + b"]"):
                self.parked.park(payment)

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            for item in decode_trusted(OrderOrPayment, raw):
                self.remember(item)


def _order_row(key: str, o: OrderSeen) -> SavedOrder:
    return (key, o.order_id, o.shop_id, o.user_id, o.amount, o.ts)


def _sighting_row(key: str, s: Sighting) -> SavedSighting:
    return (key, s.event_id, s.ts, s.order_id, s.amount, s.status)


Pickled = tuple[list[tuple[str, OrderSeen]], list[tuple[str, Sighting]], list[Payment]]


def _upgrade(pickled: Pickled) -> Saved:
    """A format-1 checkpoint (the models pickled) in today's shape."""
    orders, sightings, parked = pickled
    return (
        [_order_row(k, o) for k, o in orders],
        [_sighting_row(k, s) for k, s in sightings],
        [record_json(p) for p in parked],
    )
