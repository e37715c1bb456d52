"""Order counts per shop and per SKU by event-time minute, and the night-slot counts the
night-surge rule judges: orders in the slot so far against a baseline.

The baseline is what the same span held the night before, or else the span of equal
length just before the slot opened: only spans this worker watched in full count
(``since``). ``History`` is the seam for the warehouse baselines (the worker loads
them at start, ``store/warehouse/baselines.HourlyHistory``): when it knows a
baseline, that one is used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from itertools import repeat
from typing import Any, Literal

from warroom.rules.risk.night_surge import Params, SlotCounts, local_slot, slot_opened
from warroom.streams.windows import advanced

Scope = Literal["shop", "sku"]
#: Minutes kept per key: two days, so that last night's slot is still there.
KEEP_MINUTES = 2 * 24 * 60
#: Historical baseline for (scope, key, slot opened at, span seconds); None: unknown.
History = Callable[[Scope, str, float, float], float | None]


def no_history(scope: Scope, key: str, opened: float, span_s: float) -> float | None:
    return None


class NightTally:
    """Orders by minute per (scope, key), for the last ``KEEP_MINUTES``."""

    def __init__(self, history: History = no_history) -> None:
        self.history = history
        self.since: float | None = None  # the first event time seen: spans before are unknown
        self.watermark = 0.0
        self._minutes: dict[tuple[Scope, str], dict[int, int]] = defaultdict(dict)
        self._shop_of: dict[tuple[Scope, str], str] = {}  # whose partition a key is on

    def add(
        self, scope: Scope, key: str, ts: float, *, now: float | None = None, shop: str = ""
    ) -> None:
        self._shop_of[(scope, key)] = shop or key
        minute = int(ts // 60)
        counts = self._minutes[(scope, key)]
        counts[minute] = counts.get(minute, 0) + 1
        if self.since is None or ts < self.since:
            self.since = ts
        self.watermark = advanced(self.watermark, ts, now)

    def count(self, scope: Scope, key: str, start: float, end: float) -> int:
        """Orders in the minutes from ``start``'s through ``end``'s (both included)."""
        counts = self._minutes.get((scope, key), {})
        first, last = int(start // 60), int(end // 60)
        if last - first < len(counts):
            return sum(map(counts.get, range(first, last + 1), repeat(0)))
        return sum(n for m, n in counts.items() if first <= m <= last)

    def counts(self, scope: Scope, key: str, ts: float, tz: str, params: Params) -> SlotCounts:
        """The slot counts of ``key`` for an order at ``ts`` (no baseline outside the slot)."""
        slot = local_slot(ts, tz, params)
        opened = None if slot is None else slot_opened(slot, tz)
        if opened is None:
            return SlotCounts(scope, key, tz, 0, None)
        orders = self.count(scope, key, opened, ts)
        return SlotCounts(scope, key, tz, orders, self.baseline(scope, key, opened, ts - opened))

    def baseline(self, scope: Scope, key: str, opened: float, span_s: float) -> float | None:
        known = self.history(scope, key, opened, span_s)
        if known is not None:
            return known
        last_night = opened - timedelta(days=1).total_seconds()
        for start in (last_night, opened - span_s - 60):
            if self.since is not None and int(start // 60) > int(self.since // 60):
                return float(self.count(scope, key, start, start + span_s))
        return None

    def owned(self, shops: Callable[[str], bool]) -> list[tuple[Scope, str]]:
        """The keys counted for the shops ``shops`` accepts (a partition's keys)."""
        return [ident for ident, shop in self._shop_of.items() if shops(shop)]

    def export(self, idents: Iterable[tuple[Scope, str]]) -> dict[str, Any]:
        keys = [i for i in idents if i in self._minutes]
        return {
            "minutes": {i: (self._minutes[i], self._shop_of[i]) for i in keys},
            "since": self.since,
            "watermark": self.watermark,
        }

    def restore(self, saved: dict[str, Any]) -> None:
        for ident, (minutes, shop) in saved["minutes"].items():
            self._minutes[ident], self._shop_of[ident] = minutes, shop
        if saved["since"] is not None and (self.since is None or saved["since"] < self.since):
            self.since = saved["since"]
        self.watermark = max(self.watermark, saved["watermark"])

    def forget(self, idents: Iterable[tuple[Scope, str]]) -> None:
        for ident in idents:
            self._minutes.pop(ident, None)
            self._shop_of.pop(ident, None)

    def expire(self) -> None:
        oldest = int(self.watermark // 60) - KEEP_MINUTES
        for key in list(self._minutes):
            counts = self._minutes[key]
            for minute in [m for m in counts if m < oldest]:
                del counts[minute]
            if not counts:
                del self._minutes[key]
                self._shop_of.pop(key, None)
