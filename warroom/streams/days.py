"""Per campaign or creative, the counters of its shop-local day so far ("today").

Counting an activity only notes its increment by (key, event-time minute); ``fold``,
once per batch, adds the increments to each key's ``DayTotals`` in its shop's time zone
(which only the entity cache knows). A minute of a day that is over is counted as late,
not silently added to today.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from warroom.rules.budget.metrics import DayTotals, feed
from warroom.schemas.internal import CampaignMinute

#: The shop's time zone, by shop id.
ZoneOf = Callable[[str], str]


class DayCounters:
    def __init__(self) -> None:
        self._pending: dict[tuple[str, int], tuple[str, dict[str, int]]] = {}
        self._days: dict[str, DayTotals] = {}
        self._zones: dict[str, str] = {}

    def count(self, key: str, shop_id: str, minute: int, increments: dict[str, int]) -> None:
        """Note what one activity added to ``key``'s counters in ``minute``."""
        _, pending = self._pending.setdefault((key, minute), (shop_id, {}))
        for name, value in increments.items():
            pending[name] = pending.get(name, 0) + value

    def fold(self, zone_of: ZoneOf) -> None:
        """Add the noted increments to each key's day, in its shop's zone."""
        for (key, minute), (shop_id, increments) in sorted(self._pending.items()):
            zone = self._zones[key] = zone_of(shop_id)
            self._days[key] = feed(
                self._days.get(key), CampaignMinute(minute=minute, **increments), zone
            )
        self._pending.clear()

    def day(self, key: str) -> DayTotals | None:
        return self._days.get(key)

    def zone(self, key: str) -> str | None:
        return self._zones.get(key)

    def dump(self, key: str) -> dict[str, Any] | None:
        """The day as JSON (what a live snapshot carries), or None before any fold."""
        day = self._days.get(key)
        return None if day is None else day.model_dump(mode="json")

    def export(self, key: str) -> tuple[DayTotals, str] | None:
        """The key's day and zone, for a checkpoint (None before any fold)."""
        day = self._days.get(key)
        return None if day is None else (day, self._zones[key])

    def restore(self, key: str, saved: tuple[DayTotals, str] | None) -> None:
        """Put back (or, given None, forget) what ``export`` gave."""
        self._days.pop(key, None)
        self._zones.pop(key, None)
        if saved is not None:
            self._days[key], self._zones[key] = saved
