"""A running average of a SKU's unit price: plain or exponentially decayed, seeded from history."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RunningMean:
    """The mean of the samples seen so far; immutable, ``add`` returns the next state.

    ``decay`` = 1 keeps the plain mean of every sample. Below 1, each older sample's
    weight is multiplied by ``decay`` whenever a new one arrives (an exponentially
    weighted mean remembering about ``1 / (1 - decay)`` samples), so the average
    follows a price that drifts. ``weight`` is that decayed number of samples,
    ``count`` the number of samples ever seen (what a rule's ``min_samples`` is
    measured against).

    >>> m = RunningMean().add(10.0).add(20.0)
    >>> m.mean, m.count
    (15.0, 2)
    >>> RunningMean.seeded(100.0, 3).add(80.0).mean  # 3 historical orders at 100, one at 80
    95.0
    >>> round(RunningMean(decay=0.5).add(10.0).add(20.0).mean, 4)  # the newer sample weighs more
    16.6667
    """

    mean: float = 0.0
    weight: float = 0.0
    count: int = 0
    decay: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.decay <= 1:
            raise ValueError(f"decay must lie in (0, 1], got {self.decay}")
        if self.count < 0 or not self.weight >= 0:
            raise ValueError("count and weight must not be negative")
        if not math.isfinite(self.mean):
            raise ValueError(f"mean must be finite, got {self.mean}")

    @classmethod
    def seeded(cls, mean: float, count: int, decay: float = 1.0) -> RunningMean:
        """The state after ``count`` samples averaging ``mean`` (e.g. from the warehouse).

        With decay the seed weighs what ``count`` equal samples would weigh now.
        """
        if count <= 0:
            return cls(decay=decay)
        weight = float(count) if decay == 1 else (1 - decay**count) / (1 - decay)
        return cls(mean=mean, weight=weight, count=count, decay=decay)

    def add(self, value: float) -> RunningMean:
        """The state after one more sample; a non-finite sample is refused."""
        if not math.isfinite(value):
            raise ValueError(f"sample must be finite, got {value}")
        weight = self.decay * self.weight + 1
        mean = self.mean + (value - self.mean) / weight
        return RunningMean(mean=mean, weight=weight, count=self.count + 1, decay=self.decay)
