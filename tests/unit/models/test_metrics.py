"""Rolling AUC and log-loss: exact against a brute-force reference, beside a constant baseline."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from warroom.models.metrics import RollingQuality, auc


def brute_auc(y: list[int], p: list[float]) -> float:
    pos = [s for s, t in zip(p, y, strict=True) if t]
    neg = [s for s, t in zip(p, y, strict=True) if not t]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


@given(st.lists(st.tuples(st.booleans(), st.sampled_from([0.1, 0.2, 0.5, 0.7, 0.9])), min_size=2))
def test_auc_matches_counting_every_pair(pairs: list[tuple[bool, float]]) -> None:
    y = [int(t) for t, _ in pairs]
    p = [s for _, s in pairs]
    got = auc(np.array(y, float), np.array(p))
    if 0 < sum(y) < len(y):
        assert got is not None and math.isclose(got, brute_auc(y, p))
    else:
        assert got is None


def test_the_window_forgets_old_outcomes() -> None:
    q = RollingQuality(window=100)
    for i in range(300):
        q.update(i % 2 == 0, 0.9 if i % 2 == 0 else 0.1)  # perfect early on
    for i in range(100):
        q.update(i % 2 == 0, 0.1 if i % 2 == 0 else 0.9)  # then exactly wrong
    report = q.report()
    assert report.auc == 0.0 and report.window == 100 and report.examples == 400


def test_the_baseline_is_the_running_positive_rate() -> None:
    q = RollingQuality(window=10_000, prior=(1, 20))
    for i in range(2000):
        q.update(i % 10 == 0, 0.1)  # a model that says exactly the base rate
    report = q.report()
    assert report.logloss is not None and report.baseline_logloss is not None
    assert math.isclose(report.logloss, report.baseline_logloss, rel_tol=0.01)
    assert math.isclose(q.base_rate(), 201 / 2020)
