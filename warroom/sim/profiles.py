"""Who buys what: a viewer's purchase propensity for a product category (hidden truth).

The propensity is log-linear in the viewer's profile, per category: gender, age band,
spending power (against the price) and city tier each add a weight. A campaign's
conversion rate is its audience's average; a viewer converts at the campaign's rate
times ``affinity / audience mean``. So click → order outcomes depend on profile ×
category in a way a model (the 人货匹配度 score) can learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

AGE_BANDS = ("18-23", "24-30", "31-40", "41-50", "50+")


@dataclass(frozen=True, slots=True)
class Taste:
    """How a category's buyers differ from the average viewer (log-odds weights)."""

    gender: dict[str, float]
    age: dict[str, float]
    spending: float  # per step of spending power above 3
    tier: float  # per city tier above 3 (tier 1 = the biggest cities)


TASTES: dict[str, Taste] = {
    "beauty": Taste(
        {"f": 0.9, "m": -1.0, "u": 0.0},
        {"18-23": 0.4, "24-30": 0.5, "31-40": 0.1, "41-50": -0.4, "50+": -0.8},
        0.2,
        -0.15,
    ),
    "snacks": Taste(
        {"f": 0.2, "m": 0.0, "u": 0.0},
        {"18-23": 0.5, "24-30": 0.2, "31-40": 0.0, "41-50": -0.2, "50+": -0.4},
        -0.1,
        0.15,
    ),
    "apparel": Taste(
        {"f": 0.5, "m": -0.3, "u": 0.0},
        {"18-23": 0.3, "24-30": 0.4, "31-40": 0.2, "41-50": -0.2, "50+": -0.5},
        0.1,
        0.0,
    ),
    "home": Taste(
        {"f": 0.3, "m": -0.1, "u": 0.0},
        {"18-23": -0.6, "24-30": 0.0, "31-40": 0.5, "41-50": 0.5, "50+": 0.3},
        0.15,
        0.1,
    ),
    "digital": Taste(
        {"f": -0.6, "m": 0.7, "u": 0.0},
        {"18-23": 0.5, "24-30": 0.4, "31-40": 0.1, "41-50": -0.3, "50+": -0.7},
        0.35,
        -0.2,
    ),
}
CATEGORIES = tuple(TASTES)


def affinity(
    gender: str, age_band: str, spending_power: int, city_tier: int, category: str, price: float
) -> float:
    """How likely this viewer is to buy this product after a click, relative (> 0).

    Dearer products put off viewers of low spending power.

    >>> affinity("f", "24-30", 4, 1, "beauty", 99.0) > affinity("m", "50+", 4, 1, "beauty", 99.0)
    True
    """
    taste = TASTES[category]
    logit = (
        taste.gender.get(gender, 0.0)
        + taste.age.get(age_band, 0.0)
        + taste.spending * (spending_power - 3)
        + taste.tier * (3 - city_tier)
        - 0.004 * price * max(0, 3 - spending_power)
    )
    return math.exp(logit)


@dataclass(frozen=True, slots=True)
class FanProfile:
    """A creator's fans: share of women, weights per age band, mean spending power."""

    female: float
    ages: tuple[float, ...]
    spending: float

    def weight(self, gender: str, age_band: str, spending_power: int) -> float:
        """How much more likely a viewer of this profile is among these fans (> 0)."""
        g = self.female if gender == "f" else (1 - self.female) if gender == "m" else 0.5
        age = self.ages[AGE_BANDS.index(age_band)] if age_band in AGE_BANDS else 0.2
        spend = math.exp(-0.5 * (spending_power - self.spending) ** 2)
        return max(1e-6, g * age * spend)
