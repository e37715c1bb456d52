"""A linear model's exported weights: scoring without river, one at a time or as a numpy
batch (what the API and the batch paths use)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from warroom.models.features import Example, featurize


class LinearWeights(BaseModel):
    """Intercept, weight per feature, and the featurizer's switches."""

    model_config = ConfigDict(frozen=True)

    intercept: float = 0.0
    weights: dict[str, float] = {}
    interactions: bool = True
    pairs: bool = True

    def proba(self, x: Example) -> float:
        """P(order) of ``x``, as the model that exported these weights predicts it."""
        z = self.intercept + sum(
            self.weights.get(f, 0.0) * v
            for f, v in featurize(x, self.interactions, self.pairs).items()
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


class BatchScorer:
    """Scores many examples at once: features become index arrays and one weighted
    ``bincount`` sums each row's logit (no per-feature Python arithmetic)."""

    def __init__(self, weights: LinearWeights) -> None:
        self.spec = weights
        self.index = {name: i for i, name in enumerate(weights.weights)}
        self.vector = np.fromiter(weights.weights.values(), float, len(weights.weights))

    def proba(self, xs: Sequence[Example]) -> np.ndarray:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        index, spec = self.index, self.spec
        for row, x in enumerate(xs):
            for name, value in featurize(x, spec.interactions, spec.pairs).items():
                col = index.get(name)
                if col is not None:
                    rows.append(row)
                    cols.append(col)
                    vals.append(value)
        terms = self.vector[np.asarray(cols, dtype=np.intp)] * np.asarray(vals, dtype=float)
        z = np.bincount(np.asarray(rows, dtype=np.intp), terms, minlength=len(xs))
        return 1.0 / (1.0 + np.exp(-np.clip(z + spec.intercept, -50.0, 50.0)))
