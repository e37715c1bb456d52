"""The order anomaly model: river's HalfSpaceTrees over order features scaled to [0, 1].

Scaling: each feature's running z-score (river's StandardScaler) mapped to
``0.5 + z / SPREAD`` and clipped to [0, 1], so the usual orders fill the middle of the
unit cube and the unusual ones sit near its faces, where the trees' mass is thin (a
min-max scaler puts the usual orders' own extremes on the faces too, and separates worse).

``score_one`` is in [0, 1], higher = more unusual; score before learning each order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from river import anomaly, preprocessing

#: The raw features of an order, as ``order_features`` builds them.
#: z-scores within ± SPREAD / 2 land inside the unit interval.
SPREAD = 8.0
FEATURES = ("amount", "price_ratio", "hour", "quantity", "ip_orders_10m", "user_orders_10m")


def order_features(
    amount: float, price_ratio: float | None, hour: int, quantity: int, ip: int, user: int
) -> dict[str, float]:
    """Raw order features: amount (CNY), unit price ÷ the SKU's average (None: unknown),
    the shop-local hour, quantity, and the orders from the same IP and the same user in
    the last 10 minutes (this one included)."""
    out = {
        "amount": amount,
        "hour": float(hour),
        "quantity": float(quantity),
        "ip_orders_10m": float(ip),
        "user_orders_10m": float(user),
    }
    if price_ratio is not None and math.isfinite(price_ratio):
        out["price_ratio"] = price_ratio
    return out


def _shaped(x: Mapping[str, float]) -> dict[str, float]:
    """Heavy-tailed counts and money on a log scale; the hour on the clock face's position."""
    out: dict[str, float] = {}
    for name, value in x.items():
        if name not in FEATURES or not math.isfinite(value):
            continue  # unknown or unusable features are ignored
        out[name] = value if name in ("hour", "price_ratio") else math.log1p(max(value, 0.0))
    if "price_ratio" in out:
        out["price_ratio"] = math.log(min(max(out["price_ratio"], 0.01), 100.0))
    return out


class OrderAnomaly:
    """Scaling then HalfSpaceTrees (seeded: the same stream gives the same scores)."""

    def __init__(
        self, n_trees: int = 15, height: int = 6, window_size: int = 1000, seed: int = 42
    ) -> None:
        self.n_trees = n_trees
        self.height = height
        self.window_size = window_size
        self.seed = seed
        self._scaler = preprocessing.StandardScaler()
        self._trees = anomaly.HalfSpaceTrees(
            n_trees=n_trees, height=height, window_size=window_size, seed=seed
        )
        self.learned = 0

    def _scaled(self, x: Mapping[str, float]) -> dict[str, float]:
        scaled = self._scaler.transform_one(_shaped(x))
        return {k: min(max(0.5 + z / SPREAD, 0.0), 1.0) for k, z in scaled.items()}

    def score_one(self, x: Mapping[str, float]) -> float:
        """How unusual ``x`` is, in [0, 1]."""
        return float(min(max(self._trees.score_one(self._scaled(x)), 0.0), 1.0))

    def learn_one(self, x: Mapping[str, float]) -> None:
        self._scaler.learn_one(_shaped(x))
        self._trees.learn_one(self._scaled(x))
        self.learned += 1

    def scaled(self, x: Mapping[str, float]) -> dict[str, float]:
        """Each feature's place on the [0, 1] scale the trees see (0.5: the running mean;
        near 0 or 1: far below or above what is usual): the explanation of a score."""
        return self._scaled(x)
