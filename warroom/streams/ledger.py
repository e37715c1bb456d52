"""What the payment agent remembers: recent orders, payment sightings, and payments
parked until their order arrives or their grace period ends.

Recent entries are kept for ``horizon_s`` of event time behind a watermark (capped by
the wall clock, as in ``windows.py``) and never more than ``max_items``; the oldest
go first. Arrival order stands in for event time when forgetting: events arrive
roughly in time order, and memory stays bounded either way.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from warroom.schemas.events import Payment
from warroom.streams.windows import advanced

V = TypeVar("V")


class Recent(Generic[V]):
    """A bounded map of the latest value per key, each with its event time.

    >>> seen = Recent[str](horizon_s=60, max_items=2)
    >>> seen.put("a", 0.0, "A"); seen.put("b", 100.0, "B"); seen.expire()
    1
    >>> seen.get("a"), seen.get("b")
    (None, 'B')
    """

    def __init__(self, horizon_s: float, max_items: int) -> None:
        self.horizon_s = horizon_s
        self.max_items = max_items
        self.watermark = 0.0
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        item = self._items.get(key)
        return None if item is None else item[1]

    def put(self, key: str, ts: float, value: V, *, now: float | None = None) -> None:
        """Remember ``value`` as the latest for ``key`` (the oldest entry goes when full)."""
        self._items[key] = (ts, value)
        self._items.move_to_end(key)
        self.watermark = advanced(self.watermark, ts, now)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def ids(self) -> list[str]:
        """The keys held, oldest first."""
        return list(self._items)

    def items(self) -> list[tuple[str, V]]:
        """The keys held and their values, oldest first."""
        return [(k, v) for k, (_, v) in self._items.items()]

    def pop(self, key: str) -> V | None:
        item = self._items.pop(key, None)
        return None if item is None else item[1]

    def expire(self) -> int:
        """Forget entries from the oldest on while older than the horizon; returns how many."""
        cutoff = self.watermark - self.horizon_s
        dropped = 0
        while self._items:
            ts, _ = next(iter(self._items.values()))
            if ts >= cutoff:
                break
            self._items.popitem(last=False)
            dropped += 1
        return dropped

    def __len__(self) -> int:
        return len(self._items)


class ParkingLot:
    """Payments whose order is not known yet, by order id and event id; at most ``max_items``."""

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._by_order: dict[str, dict[str, Payment]] = {}
        self._count = 0

    def park(self, payment: Payment) -> bool:
        """Park ``payment``; False when the lot is full (a redelivery is parked once)."""
        events = self._by_order.setdefault(payment.order_id, {})
        if payment.event_id in events:
            return True
        if self._count >= self.max_items:
            if not events:
                del self._by_order[payment.order_id]
            return False
        events[payment.event_id] = payment
        self._count += 1
        return True

    def release(self, order_id: str) -> list[Payment]:
        """The payments parked for ``order_id``, which leave the lot."""
        events = self._by_order.pop(order_id, {})
        self._count -= len(events)
        return list(events.values())

    def remove(self, payment: Payment) -> None:
        events = self._by_order.get(payment.order_id, {})
        if events.pop(payment.event_id, None) is not None:
            self._count -= 1
        if not events:
            self._by_order.pop(payment.order_id, None)

    def payments(self) -> list[Payment]:
        return [p for events in self._by_order.values() for p in events.values()]

    def __len__(self) -> int:
        return self._count
