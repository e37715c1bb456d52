"""The backtest's values at a minute equal what the worker's ``metric_values`` gives the
same rule over the same minutes (for every name the rule reads)."""

from __future__ import annotations

import random

import pytest

from warroom.backtest.series import MinuteSeries
from warroom.backtest.values import needed, values_at
from warroom.rules.budget.engine import EntityState
from warroom.rules.budget.metrics import DayTotals, feed, local_midnight, metric_values

START = 29_000_000  # an epoch minute (2025-02-21)
CONDITIONS = [
    "spend_30m >= 2 * target_cpa and orders_30m == 0",
    "roi_15m >= 1.2 * target_roi and orders_15m >= 5",
    "ctr_60m < 0.01 and impressions_60m >= 5000 or cpa_today > 3 * target_cpa",
    "gpm_5m > 100 and cvr_1m > 0.1 and clicks_today >= 3",
]


def random_series(rng: random.Random, minutes: int) -> list[tuple[int, list[int]]]:
    rows = []
    for i in range(minutes):
        if rng.random() < 0.2:
            continue  # quiet minutes
        orders = rng.choice([0, 0, 0, 1, 2])
        counts = [rng.randrange(400), rng.randrange(40), rng.randrange(20)]
        rows.append((START + i, [*counts, rng.randrange(2_000_000), orders, orders * 599_000]))
    return rows


@pytest.mark.parametrize("condition", CONDITIONS)
def test_values_equal_the_workers(condition: str) -> None:
    rng = random.Random(condition)
    rows = random_series(rng, 1500)
    series = MinuteSeries.of(rows)
    entity = EntityState(
        kind="campaign", id="c1", shop_id="s1", created_at=0, target_cpa=50, target_roi=2
    )
    day: DayTotals | None = None
    for minute in range(START, START + 1500):
        day = feed(day, series.minute(minute), entity.time_zone)
        if minute % 37:
            continue
        now = minute * 60 + 59.0
        kept = [series.minute(m) for m in range(minute - 60, minute + 1)]
        worker = metric_values(kept, now, day=day, zone=entity.time_zone, fields=entity.fields())
        ours = values_at(series, minute, now, entity, condition)
        names = {f"{m}_{w}" for w, metrics in needed(condition).items() for m in metrics}
        assert {n: ours[n] for n in names} == {n: worker[n] for n in names}, minute
        assert ours["target_cpa"] == worker["target_cpa"]


def test_today_starts_at_the_shop_local_midnight() -> None:
    rows = [(START + i, [10, 1, 1, 10_000, 1, 20_000]) for i in range(2000)]
    entity = EntityState(kind="campaign", id="c1", shop_id="s1", created_at=0)
    minute = START + 1999
    now = minute * 60 + 59.0
    midnight = int(local_midnight(now, entity.time_zone) // 60)
    got = values_at(MinuteSeries.of(rows), minute, now, entity, "clicks_today > 1")
    assert got["clicks_today"] == minute - midnight + 1
