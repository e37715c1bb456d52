"""One entity's counters per minute as prefix sums: the totals over any span of minutes
in constant time (a backtest asks for every window at every minute of a day)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from warroom.rules.budget.metrics import MinuteCounts

COUNTERS = ("impressions", "plays", "clicks", "spend", "orders", "gmv")


@dataclass(frozen=True)
class MinuteSeries:
    """Counters of one entity for every minute from ``first`` (epoch minutes), dense."""

    first: int
    cumulative: np.ndarray  # shape (minutes + 1, counters): sums of the minutes before

    @classmethod
    def of(cls, rows: Sequence[tuple[int, Sequence[int]]]) -> MinuteSeries:
        """From (epoch minute, counters in ``COUNTERS`` order) rows, sorted or not."""
        minutes = [m for m, _ in rows]
        first, last = min(minutes), max(minutes)
        dense = np.zeros((last - first + 1, len(COUNTERS)), dtype=np.int64)
        for minute, counts in rows:
            dense[minute - first] += np.asarray(counts, dtype=np.int64)
        cumulative = np.vstack([np.zeros((1, len(COUNTERS)), np.int64), dense.cumsum(axis=0)])
        return cls(first, cumulative)

    @property
    def last(self) -> int:
        return self.first + len(self.cumulative) - 2

    def total(self, start: int, end: int) -> np.ndarray:
        """Counters summed over the minutes [start, end] (outside the series: zeros)."""
        lo = min(max(start - self.first, 0), len(self.cumulative) - 1)
        hi = min(max(end - self.first + 1, 0), len(self.cumulative) - 1)
        return self.cumulative[hi] - self.cumulative[lo] if hi > lo else self.cumulative[0] * 0

    def minute(self, minute: int) -> MinuteCounts:
        """The counters of one minute (completions are not in the warehouse: unknown)."""
        return self.record(minute, self.total(minute, minute))

    @staticmethod
    def record(minute: int, counts: np.ndarray) -> MinuteCounts:
        """``counts`` (in ``COUNTERS`` order) as the counters of ``minute``."""
        values = {name: int(x) for name, x in zip(COUNTERS, counts, strict=True)}
        return MinuteCounts(minute=minute, completions=None, **values)
