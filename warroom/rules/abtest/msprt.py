"""The mixture sequential probability ratio test (mSPRT) for a difference of two means,
with its always-valid p-value: Johari, Pekelis and Walsh, "Always Valid Inference" (2017).

With a normal mixture N(0, τ²) over the difference θ, the likelihood ratio of the
estimate θ̂ (variance V) against θ = 0 is

    Λ = sqrt(V / (V + τ²)) · exp(θ̂² τ² / (2 V (V + τ²)))

Λ is a nonnegative martingale under θ = 0, so P(Λ ever ≥ 1/α) ≤ α: looking at the test
after every event and stopping at the first ``p ≤ α`` keeps the false positive rate at α
(no peeking bias). The always-valid p-value is 1 / the largest Λ seen so far. Pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Arm:
    """An estimate of one variant's mean and the variance of that estimate."""

    mean: float
    variance: float  # of the mean (not of one observation)
    n: int


def log_lr(diff: float, variance: float, tau2: float) -> float:
    """log Λ for the estimate ``diff`` with ``variance`` and mixture variance ``tau2``.

    >>> round(log_lr(0.0, 1.0, 1.0), 4)  # no difference: evidence for H0
    -0.3466
    """
    if variance <= 0 or tau2 <= 0:
        return 0.0
    total = variance + tau2
    return 0.5 * math.log(variance / total) + diff * diff * tau2 / (2 * variance * total)


def p_value(log_lr_max: float) -> float:
    """The always-valid p-value from the largest log Λ seen so far."""
    return 1.0 if log_lr_max <= 0 else min(1.0, math.exp(-log_lr_max))


def bernoulli(successes: int, trials: int) -> Arm | None:
    """A rate (CTR: clicks per impression; CVR: orders per click); None without trials."""
    if trials <= 0:
        return None
    rate = min(max(successes / trials, 0.0), 1.0)
    floor = 0.25 / trials / trials  # keeps a 0 % or 100 % rate's variance above 0
    return Arm(rate, max(rate * (1 - rate) / trials, floor), trials)


def compare(control: Arm, variant: Arm, tau2: float) -> float:
    """log Λ of ``variant`` − ``control``."""
    return log_lr(variant.mean - control.mean, control.variance + variant.variance, tau2)
