"""The 人货匹配度 model: P(order | click) by online logistic regression (river) over
``featurize``; and the 0-100 match score that probability maps to.

River's contract: the hyper-parameters are the ``__init__`` arguments,
``learn_one`` / ``predict_proba_one``, and a pickle round trip predicts the same.
"""

from __future__ import annotations

import math
from typing import Literal

from river import linear_model, optim

from warroom.models.features import Example, featurize
from warroom.models.linear import LinearWeights

#: Probabilities are clipped into [EPS, 1 - EPS] before taking odds.
EPS = 1e-6


class MatchModel:
    """Online logistic regression of an order following a click. AdaGrad by default: its
    per-feature steps keep the always-on features (creator, product, pair) of a small
    catalogue from swamping the rest (plain SGD over-steps there and loses to the
    constant baseline on log-loss). The intercept starts at ``intercept_init`` (-3: about
    one order in twenty clicks), so the first predictions are a sensible prior, not 0.5.

    >>> m = MatchModel()
    >>> for _ in range(50):
    ...     m.learn_one({"gender": "f", "category": "beauty"}, True)
    ...     m.learn_one({"gender": "m", "category": "beauty"}, False)
    >>> f, m_ = m.predict_proba_one({"gender": "f", "category": "beauty"}), m.predict_proba_one(
    ...     {"gender": "m", "category": "beauty"})
    >>> f > 0.5 > m_
    True
    """

    def __init__(
        self,
        optimizer: Literal["sgd", "adagrad"] = "adagrad",
        lr: float = 0.1,
        intercept_lr: float = 0.01,
        intercept_init: float = -3.0,
        l2: float = 0.0,
        interactions: bool = True,
        pairs: bool = True,
    ) -> None:
        self.optimizer = optimizer
        self.lr = lr
        self.intercept_lr = intercept_lr
        self.intercept_init = intercept_init
        self.l2 = l2
        self.interactions = interactions
        self.pairs = pairs
        opt = optim.AdaGrad(lr) if optimizer == "adagrad" else optim.SGD(lr)
        self._model = linear_model.LogisticRegression(
            optimizer=opt, l2=l2, intercept_init=intercept_init, intercept_lr=intercept_lr
        )

    def features(self, x: Example) -> dict[str, float]:
        return featurize(x, self.interactions, self.pairs)

    def learn_one(self, x: Example, y: bool) -> None:
        self._model.learn_one(self.features(x), bool(y))

    def predict_proba_one(self, x: Example) -> float:
        """P(order) for ``x``."""
        return float(self._model.predict_proba_one(self.features(x))[True])

    def export(self) -> LinearWeights:
        """The weights, for scoring without river (the API, numpy batches)."""
        return LinearWeights(
            intercept=float(self._model.intercept),
            weights={k: float(v) for k, v in self._model.weights.items() if v != 0.0},
            interactions=self.interactions,
            pairs=self.pairs,
        )


def match_score(p: float, base_rate: float) -> float:
    """The 0-100 score of probability ``p`` against the average click's ``base_rate``:
    ``100 × odds(p) / (odds(p) + odds(base))``. 50 is an average fit; 75 means odds of an
    order three times the average's; 90, nine times.

    >>> match_score(0.05, 0.05), round(match_score(0.1364, 0.05), 1)
    (50.0, 75.0)
    """
    p = min(max(p, EPS), 1 - EPS)
    base = min(max(base_rate, EPS), 1 - EPS)
    logit = math.log(p / (1 - p)) - math.log(base / (1 - base))
    return round(100.0 / (1.0 + math.exp(-logit)), 2)
