"""The online models' cost per event: river one event at a time against numpy batches.

    .venv/bin/python benchmarks/bench_models.py [--events N] [--batch B]

Side by side in one run, on the same examples (the registry's generators, seeded):
- the 人货匹配度 model (``match@1``): featurizing; river's predict and learn per event;
  progressive validation (predict, then learn); scoring from the exported weights with
  numpy, in batches of B, with and without the featurizing; the learner as the agent
  runs it (a click scored and held, its order learned);
- the order anomaly model: score and learn per event (HalfSpaceTrees after scaling);
- the rolling metrics: an update per event, a report.
Prints µs per event and, for scoring, river per event ÷ numpy batch.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from warroom.models.features import featurize
from warroom.models.linear import BatchScorer
from warroom.models.metrics import RollingQuality
from warroom.models.registry import REGISTRY, match_example, order_example
from warroom.schemas.events import Click, Order
from warroom.streams.matching import MatchLearner


def per_event(fn: Callable[[], Any], n: int) -> float:
    """µs per event of ``fn`` (which handles ``n`` events), best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / n * 1e6


def trained(key: str, examples: list[dict[str, Any]], labels: list[bool]) -> Any:
    model = REGISTRY[key].build(7)
    for x, y in zip(examples, labels, strict=True):
        if REGISTRY[key].kind == "classifier":
            model.learn_one(x, y)
        else:
            model.learn_one(x)
    return model


def match_rows(n: int, batch: int) -> list[tuple[str, float]]:
    rng = random.Random(1)
    xs = [match_example(rng) for _ in range(n)]
    ys = [rng.random() < 0.07 for _ in range(n)]
    model = trained("match@1", xs, ys)
    scorer = BatchScorer(model.export())
    batches = [xs[i : i + batch] for i in range(0, n, batch)]
    rows, cols, vals = columnar(scorer, xs)

    def numpy_columnar() -> None:
        z = np.bincount(rows, scorer.vector[cols] * vals, minlength=n)
        1.0 / (1.0 + np.exp(-(z + scorer.spec.intercept)))

    def progressive() -> None:
        for x, y in zip(xs, ys, strict=True):
            model.predict_proba_one(x)
            model.learn_one(x, y)

    return [
        ("featurize (viewer × product × pair)", per_event(lambda: [featurize(x) for x in xs], n)),
        ("river predict_proba_one", per_event(lambda: [model.predict_proba_one(x) for x in xs], n)),
        ("river learn_one", per_event(lambda: [model.learn_one(x, False) for x in xs], n)),
        ("river predict, then learn (progressive)", per_event(progressive, n)),
        (
            f"numpy batch of {batch}, featurizing included",
            per_event(lambda: [scorer.proba(b) for b in batches], n),
        ),
        ("numpy, features already columnar", per_event(numpy_columnar, n)),
    ]


def columnar(scorer: BatchScorer, xs: list[dict[str, Any]]) -> tuple[np.ndarray, ...]:
    rows, cols, vals = [], [], []
    for row, x in enumerate(xs):
        for name, value in featurize(x).items():
            if (col := scorer.index.get(name)) is not None:
                rows.append(row)
                cols.append(col)
                vals.append(value)
    return np.array(rows), np.array(cols), np.array(vals, float)


def learner_row(n: int) -> tuple[str, float]:
    """A click of kind ``click`` through the learner, with an order for one in 14."""
    rng = random.Random(2)
    t0 = time.time() - 86400
    clicks, orders = [], []
    for i in range(n):
        x = match_example(rng)
        clicks.append(
            Click.model_validate(
                {
                    "event_id": f"c{i}",
                    "ts": t0 + i * 0.01,
                    "kind": "click",
                    "shop_id": "s",
                    "campaign_id": f"cp{i % 20}",
                    "creative_id": f"cr{i % 40}",
                    "creator_id": x["creator"],
                    "product_id": x["product"],
                    "viewer": {
                        "viewer_id": f"v{rng.randrange(20_000)}",
                        "gender": x["gender"],
                        "age_band": x["age_band"],
                        "spending_power": x["spending_power"],
                        "city_tier": x["city_tier"],
                    },
                }
            )
        )
        if i % 14 == 0:
            orders.append(
                Order.model_validate(
                    {
                        "event_id": f"o{i}",
                        "ts": t0 + i * 0.01 + 5,
                        "order_id": f"o{i}",
                        "user_id": clicks[-1].viewer.viewer_id,
                        "ip": "10.0.0.1",
                        "shop_id": "s",
                        "sku": x["product"],
                        "quantity": 1,
                        "unit_price": "99",
                        "amount": "99",
                    }
                )
            )

    def run() -> None:
        learner = MatchLearner(window_s=60)
        learner.on_clicks(clicks, time.time())
        learner.on_orders(orders, time.time())
        learner.resolve()

    return (
        "learner: click scored (champion + shadow) and held, outcome learned",
        per_event(run, n),
    )


def anomaly_rows(n: int) -> list[tuple[str, float]]:
    rng = random.Random(3)
    xs = [order_example(rng) for _ in range(n)]
    model = trained("order_anomaly@1", xs, [False] * n)
    return [
        (
            "HalfSpaceTrees score_one (scaled)",
            per_event(lambda: [model.score_one(x) for x in xs], n),
        ),
        (
            "HalfSpaceTrees learn_one (scaled)",
            per_event(lambda: [model.learn_one(x) for x in xs], n),
        ),
    ]


def metric_rows(n: int) -> list[tuple[str, float]]:
    rng = random.Random(4)
    pairs = [(rng.random() < 0.1, rng.random()) for _ in range(n)]
    quality = RollingQuality(window=5000)

    def update() -> None:
        for y, p in pairs:
            quality.update(y, p)

    update_us = per_event(update, n)  # fills the window first
    return [
        ("rolling metrics: update", update_us),
        (
            "rolling metrics: a report (AUC + log-loss of 5,000), per call",
            per_event(quality.report, 1),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    n = args.events
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{n:,} events per measurement (best of 3)\n"
    )
    match = match_rows(n, args.batch)
    rows = [*match, learner_row(n // 2), *anomaly_rows(n // 4), *metric_rows(n)]
    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  µs/event")
    for name, us in rows:
        print(f"{name:<{width}}  {us:8.2f}")
    river, batch, columnar_us = match[1][1], match[4][1], match[5][1]
    print(
        f"\nscoring, river per event ÷ numpy batch: {river / batch:.1f}× with featurizing, "
        f"{river / columnar_us:.0f}× once features are columnar"
    )


if __name__ == "__main__":
    main()
