"""The contract every registered model version keeps (river's estimator checks, in spirit),
generated over ``warroom.models.registry``: a version added there is checked here too."""

from __future__ import annotations

import math
import pickle
import random
from typing import Any

import pytest

from warroom.models.registry import REGISTRY, ModelSpec

SPECS = list(REGISTRY.values())
ids = [s.key for s in SPECS]


def score(spec: ModelSpec, model: Any, x: dict[str, Any]) -> float:
    if spec.kind == "classifier":
        return float(model.predict_proba_one(x))
    return float(model.score_one(x))


def learn(spec: ModelSpec, model: Any, x: dict[str, Any], rng: random.Random) -> None:
    if spec.kind == "classifier":
        model.learn_one(x, rng.random() < 0.3)
    else:
        model.learn_one(x)


def trained(spec: ModelSpec, seed: int = 7, n: int = 400) -> tuple[Any, random.Random]:
    rng = random.Random(seed)
    model = spec.build(seed)
    for _ in range(n):
        learn(spec, model, spec.example(rng), rng)
    return model, rng


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_a_pickled_model_predicts_exactly_what_the_original_does(spec: ModelSpec) -> None:
    model, rng = trained(spec)
    copy = pickle.loads(pickle.dumps(model))
    probes = [spec.example(rng) for _ in range(50)]
    assert [score(spec, copy, x) for x in probes] == [score(spec, model, x) for x in probes]
    # and both go on learning alike
    for x in probes:
        learn(spec, model, x, random.Random(1))
        learn(spec, copy, x, random.Random(1))
    assert [score(spec, copy, x) for x in probes] == [score(spec, model, x) for x in probes]


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_the_same_seed_and_stream_give_the_same_scores(spec: ModelSpec) -> None:
    a, rng_a = trained(spec, seed=11)
    b, rng_b = trained(spec, seed=11)
    probes = [spec.example(rng_a) for _ in range(30)]
    assert probes == [spec.example(rng_b) for _ in range(30)]
    assert [score(spec, a, x) for x in probes] == [score(spec, b, x) for x in probes]


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_missing_features_still_score_and_learn(spec: ModelSpec) -> None:
    model, rng = trained(spec)
    full = spec.example(rng)
    for drop in [*full, "*"]:
        x = {} if drop == "*" else {k: v for k, v in full.items() if k != drop}
        s = score(spec, model, x)
        assert math.isfinite(s) and 0.0 <= s <= 1.0
        learn(spec, model, x, rng)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_unknown_new_features_are_ignored(spec: ModelSpec) -> None:
    model, rng = trained(spec)
    x = spec.example(rng)
    before = score(spec, model, x)
    assert score(spec, model, {**x, "loyalty_tier": 3, "device_os": "harmony"}) == before


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_scores_stay_in_zero_to_one_even_on_extreme_inputs(spec: ModelSpec) -> None:
    model, rng = trained(spec)
    extremes: list[dict[str, Any]] = []
    for _ in range(20):
        x = spec.example(rng)
        extremes.append({k: (1e12 if isinstance(v, float) else v) for k, v in x.items()})
        extremes.append({k: (0.0 if isinstance(v, float) else v) for k, v in x.items()})
    for x in extremes + [spec.example(rng) for _ in range(100)]:
        s = score(spec, model, x)
        assert 0.0 <= s <= 1.0, (x, s)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_scoring_does_not_change_the_model(spec: ModelSpec) -> None:
    model, rng = trained(spec)
    probes = [spec.example(rng) for _ in range(20)]
    first = [score(spec, model, x) for x in probes]
    assert [score(spec, model, x) for x in probes] == first
