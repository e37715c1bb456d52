"""Every model version warroom can run: how to build it and what it learns from.

The contract tests (``tests/unit/models/test_contract.py``) are generated over this
registry, so a version added here is checked like the others: pickle round trip,
seeded determinism, missing and new features, score range.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from warroom.models.anomaly import OrderAnomaly, order_features
from warroom.models.match import MatchModel

Kind = Literal["classifier", "anomaly"]


@dataclass(frozen=True)
class ModelSpec:
    """A model version: ``build(seed)`` makes a fresh one; ``example(rng)`` draws an input
    of the shape it learns from (for tests and benchmarks)."""

    name: str
    version: int
    kind: Kind
    title: str
    build: Callable[[int], Any]
    example: Callable[[random.Random], dict[str, Any]]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


def match_example(rng: random.Random) -> dict[str, Any]:
    return {
        "gender": rng.choice("fmu"),
        "age_band": rng.choice(("18-23", "24-30", "31-40", "41-50", "50+")),
        "spending_power": rng.randint(1, 5),
        "city_tier": rng.randint(1, 5),
        "category": rng.choice(("beauty", "snacks", "apparel", "home", "digital")),
        "price": rng.uniform(10, 600),
        "preferred": rng.choice(("beauty", "snacks", None)),
        "creator": f"creator-{rng.randrange(20)}",
        "product": f"SKU-{rng.randrange(30)}",
    }


def order_example(rng: random.Random) -> dict[str, Any]:
    return order_features(
        rng.uniform(10, 500),
        rng.uniform(0.8, 1.2),
        rng.randrange(24),
        rng.choice((1, 1, 2, 3)),
        rng.choice((1, 1, 2)),
        rng.choice((1, 1, 2)),
    )


SPECS = (
    ModelSpec(
        "match",
        1,
        "classifier",
        "人货匹配度: logistic regression (AdaGrad), viewer × product interactions, "
        "creator × product pairs",
        lambda seed: MatchModel(),
        match_example,
    ),
    ModelSpec(
        "match",
        2,
        "classifier",
        "人货匹配度: logistic regression (plain SGD, a little L2)",
        lambda seed: MatchModel(optimizer="sgd", lr=0.02, intercept_lr=0.02, l2=1e-4),
        match_example,
    ),
    ModelSpec(
        "order_anomaly",
        1,
        "anomaly",
        "order anomaly: scaled order features, HalfSpaceTrees",
        lambda seed: OrderAnomaly(seed=seed),
        order_example,
    ),
)
REGISTRY: dict[str, ModelSpec] = {spec.key: spec for spec in SPECS}
#: The match versions that start as champion and challenger.
MATCH_CHAMPION, MATCH_CHALLENGER = "match@1", "match@2"


def spec(key: str) -> ModelSpec:
    return REGISTRY[key]
