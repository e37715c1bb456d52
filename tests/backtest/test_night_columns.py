"""The vectorised night-surge replay gives exactly the hits of the order-by-order replay
through ``NightTally`` (the agent's state): same orders, same explanations, same values."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time
from decimal import Decimal

import numpy as np
import pytest

from warroom.backtest.night import OrderColumns, replay_night_columns
from warroom.backtest.risk import OrderRow, replay_night
from warroom.rules.risk import night_surge
from warroom.store.warehouse.baselines import HourlyHistory
from warroom.streams.night import History, no_history

#: 2025-03-01 00:00 Shanghai; two nights follow.
DAY0 = datetime(2025, 2, 28, 16, 0, tzinfo=UTC).timestamp()
ZONES = {"s1": "Asia/Shanghai", "s2": "Asia/Shanghai", "s3": "Europe/Berlin"}


def traffic(seed: int) -> list[OrderRow]:
    """Two days of calm orders over three shops (two zones) and a surge on the second
    night: 400 orders of one shop's SKU k2 in twenty minutes after 02:10."""
    rng = random.Random(seed)
    stamps = [
        (DAY0 + rng.randrange(2 * 86_400), rng.choice(list(ZONES)), f"k{rng.randrange(4)}")
        for _ in range(6000)
    ]
    surge_at = DAY0 + 86_400 + 2 * 3600 + 600
    stamps += [(surge_at + rng.randrange(1200), "s1", "k2") for _ in range(400)]
    stamps.sort()
    rows = []
    for i, (ts, shop, sku) in enumerate(stamps):
        rows.append(OrderRow(float(ts), f"o{i:05}", shop, sku, "", "", "", Decimal(1), Decimal(1)))
    return sorted(rows, key=lambda o: (o.ts, o.order_id))


def columns(rows: list[OrderRow]) -> OrderColumns:
    ts = np.array([o.ts for o in rows], dtype=np.float64)
    ids = [o.order_id for o in rows]
    return OrderColumns(
        ts, ids, [o.shop_id for o in rows], [o.sku for o in rows], [o.amount for o in rows]
    )


#: The usual rates (about 42 orders an hour per shop, 31 per SKU): s1's and k1's.
HISTORY = HourlyHistory({("shop", "s1"): tuple([40.0] * 24), ("sku", "k1"): tuple([30.0] * 24)})


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("history", [no_history, HISTORY], ids=["stream", "warehouse"])
@pytest.mark.parametrize(
    "params",
    [
        night_surge.Params(),
        night_surge.Params(factor=1.5, min_orders=5),
        night_surge.Params(start=time(23, 30), end=time(1, 0), factor=2, min_orders=3),
        night_surge.Params(start=time(2, 0, 30), end=time(3, 59, 30), factor=2, min_orders=3),
    ],
    ids=["default", "loose", "overnight", "off-minute"],
)
def test_the_same_hits_as_the_tally(
    seed: int, history: History, params: night_surge.Params
) -> None:
    rows = traffic(seed)
    since = DAY0 + 86_400  # the first day only counts: the night before
    expected = replay_night(rows, params, ZONES, history, since)
    got = replay_night_columns(columns(rows), params, ZONES, history, since)
    assert got == expected
    if params.factor < 6:
        assert expected  # the case exercises hits, not only their absence


def test_the_surge_is_what_fires_and_the_calm_nights_are_not() -> None:
    rows = traffic(3)
    since = DAY0 + 86_400
    hits = replay_night_columns(columns(rows), night_surge.Params(), ZONES, HISTORY, since)
    fired_on = {h.entity for found in hits.values() for h in found}
    assert fired_on == {"shop:s1", "sku:k2"}  # the surging shop and SKU, nothing calm
    surge_at = DAY0 + 86_400 + 2 * 3600 + 600
    assert min(o.ts for o in rows if o.order_id in hits) >= surge_at
    assert all(h.observed["ratio"] > 6 for found in hits.values() for h in found)


def test_no_orders_no_hits() -> None:
    empty = OrderColumns(np.zeros(0), [], [], [], [])
    assert replay_night_columns(empty, night_surge.Params(), ZONES) == {}
