"""The order anomaly model puts odd orders (huge, cheap, at night, in bursts) above the
usual ones, and explains where each feature sits."""

from __future__ import annotations

import random

from warroom.models.anomaly import OrderAnomaly, order_features


def usual(rng: random.Random) -> dict[str, float]:
    return order_features(
        rng.uniform(20, 300),
        rng.uniform(0.9, 1.1),
        rng.choice(range(9, 23)),
        rng.choice((1, 1, 2, 3)),
        rng.choice((1, 1, 1, 2)),
        rng.choice((1, 1, 2)),
    )


def test_odd_orders_score_above_nearly_every_usual_one() -> None:
    rng = random.Random(1)
    model = OrderAnomaly()
    for _ in range(5000):
        model.learn_one(usual(rng))
    normal = sorted(model.score_one(usual(rng)) for _ in range(1000))
    p99 = normal[990]
    odd = [
        order_features(4999.0, 0.3, 3, 50, 9, 7),  # everything wrong at once
        order_features(150.0, 0.2, 3, 1, 12, 10),  # cheap, at night, a burst
        order_features(80.0, 1.0, 14, 1, 15, 12),  # an IP and user placing orders fast
    ]
    assert all(model.score_one(x) > p99 for x in odd)
    assert sum(s > 0.85 for s in normal) <= 10  # the default threshold: ≤ 1% of usual orders


def test_the_explanation_shows_which_features_are_far_from_usual() -> None:
    rng = random.Random(2)
    model = OrderAnomaly()
    for _ in range(2000):
        model.learn_one(usual(rng))
    scaled = model.scaled(order_features(4999.0, 1.0, 14, 1, 1, 1))
    assert scaled["amount"] == 1.0 and 0.2 < scaled["price_ratio"] < 0.8


def test_an_order_without_a_price_history_is_scored_on_the_rest() -> None:
    rng = random.Random(3)
    model = OrderAnomaly()
    for _ in range(500):
        model.learn_one(usual(rng))
    x = order_features(100.0, None, 12, 1, 1, 1)
    assert "price_ratio" not in x and 0.0 <= model.score_one(x) <= 1.0
