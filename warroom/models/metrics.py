"""Rolling quality of a probabilistic classifier: AUC and log-loss over the last
``window`` outcomes, beside a constant baseline that always predicts the running
positive rate (what a model that learned nothing about the features would say).

Updating is O(1) (a deque append); the figures are computed on demand with numpy.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from pydantic import BaseModel, ConfigDict

EPS = 1e-6


class Quality(BaseModel):
    """What ``RollingQuality.report`` says; ``None`` where the window cannot tell yet."""

    model_config = ConfigDict(frozen=True)

    examples: int
    window: int
    positives: int
    auc: float | None
    logloss: float | None
    baseline_auc: float | None
    baseline_logloss: float | None


def auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half), None without both classes.

    >>> auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_p, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def logloss(y: np.ndarray, p: np.ndarray) -> float | None:
    if len(y) == 0:
        return None
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


class RollingQuality:
    """The last ``window`` (outcome, prediction, baseline prediction) triples."""

    def __init__(self, window: int = 5000, prior: tuple[int, int] = (1, 20)) -> None:
        self.window = window
        self.prior = prior  # (positives, examples) assumed before any outcome
        self._seen: deque[tuple[bool, float, float]] = deque(maxlen=window)
        self.examples = 0
        self.positives = 0

    def base_rate(self) -> float:
        """The running positive rate, smoothed by ``prior``."""
        pos, n = self.prior
        return (self.positives + pos) / (self.examples + n)

    def update(self, y: bool, p: float) -> None:
        """Record an outcome and the prediction made before it was known."""
        if not math.isfinite(p):
            return
        self._seen.append((bool(y), p, self.base_rate()))
        self.examples += 1
        self.positives += int(bool(y))

    def report(self) -> Quality:
        arr = np.array(self._seen, dtype=float).reshape(-1, 3)
        y, p, base = arr[:, 0], arr[:, 1], arr[:, 2]
        have = auc(y, p) is not None
        return Quality(
            examples=self.examples,
            window=len(y),
            positives=self.positives,
            auc=auc(y, p),
            logloss=logloss(y, p),
            baseline_auc=0.5 if have else None,
            baseline_logloss=logloss(y, base),
        )
