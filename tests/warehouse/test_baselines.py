"""The risk rules' baselines from the warehouse's history (both backends): SKU average
prices, orders per hour of the day per shop and SKU, refund rates; what a key without
history gets (None: the worker falls back to the stream)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.warehouse.writes import write
from warroom.rules.risk.price_stats import RunningMean
from warroom.schemas.events import Order, Refund
from warroom.store.warehouse import Warehouse
from warroom.store.warehouse.baselines import (
    expected,
    load_hourly,
    load_prices,
    load_refund_rates,
)
from warroom.streams.prices import merged

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)


def order(i: int, ts: datetime, sku: str = "k1", price: str = "100", shop: str = "s1") -> Order:
    return Order(
        event_id=f"e{sku}{i}",
        ts=ts,
        order_id=f"o{sku}{i}",
        user_id=f"u{i}",
        ip="10.0.0.1",
        shop_id=shop,
        sku=sku,
        quantity=1,
        unit_price=Decimal(price),
        amount=Decimal(price),
    )


def refund(i: int, sku: str = "k1") -> Refund:
    return Refund(
        event_id=f"r{sku}{i}",
        ts=NOW - timedelta(days=2, seconds=i),
        refund_id=f"r{sku}{i}",
        order_id=f"o{sku}{i}",
        shop_id="s1",
        sku=sku,
        amount=Decimal(1),
    )


async def test_sku_prices_are_the_mean_of_the_history(warehouse: Warehouse) -> None:
    prices = ["90", "100", "110", "120"]
    orders = [order(i, NOW - timedelta(days=1 + i % 5), price=prices[i % 4]) for i in range(40)]
    orders += [order(i, NOW - timedelta(days=40), sku="old", price="5") for i in range(10)]
    await write(warehouse, "orders", orders)
    history = await load_prices(warehouse, NOW)
    seed = history("k1")
    assert seed is not None and (round(seed.mean, 6), seed.count) == (105.0, 40)
    assert history("old") is None and history("never") is None  # outside HISTORY, unknown


async def test_orders_per_hour_of_the_day_per_shop_and_sku(warehouse: Warehouse) -> None:
    start = datetime(2025, 3, 10, tzinfo=UTC)  # ten days of history before NOW
    orders = [order(i, start + timedelta(days=i % 10, hours=2, minutes=i % 60)) for i in range(60)]
    orders += [order(i, NOW - timedelta(hours=5), sku="new") for i in range(30)]  # < 1 day
    await write(warehouse, "orders", orders)
    hourly = await load_hourly(warehouse, NOW)
    span_days = (NOW - start - timedelta(hours=2)).total_seconds() / 86_400  # from the first
    two_am = datetime(2025, 3, 21, 2, tzinfo=UTC).timestamp()
    for scope, key in (("shop", "s1"), ("sku", "k1")):
        got = hourly(scope, key, two_am, 3600 - 60)  # the whole hour 02:00-03:00
        assert got is not None and abs(got - 60 / span_days) < 1e-9
        assert hourly(scope, key, two_am + 3600, 600) == 0.0
    assert hourly("sku", "new", two_am, 600) is None  # too little history: the stream decides


async def test_refund_rates_per_shop_and_sku(warehouse: Warehouse) -> None:
    orders = [order(i, NOW - timedelta(days=3, seconds=i)) for i in range(50)]
    orders += [order(i, NOW - timedelta(days=3), sku="k2") for i in range(50)]
    await write(warehouse, "orders", orders)
    await write(warehouse, "refunds", [refund(i) for i in range(5)])
    rates = await load_refund_rates(warehouse, NOW)
    assert rates == {("shop", "s1"): 0.05, ("sku", "k1"): 0.1, ("sku", "k2"): 0.0}


def test_expected_orders_spread_over_partial_hours() -> None:
    rates = tuple(60.0 if h == 2 else 0.0 for h in range(24))
    two_am = 2 * 3600.0
    assert expected(rates, two_am, two_am + 600) == 10.0
    assert expected(rates, two_am - 1800, two_am + 1800) == 30.0
    assert expected(rates, two_am + 86_400, two_am + 86_400 + 3600) == 60.0  # any day


def test_a_late_history_is_merged_with_what_the_stream_learned() -> None:
    history = RunningMean.seeded(100.0, 30)
    stream = RunningMean().add(40.0).add(40.0)
    both = merged(history, stream)
    assert both.count == 32 and both.mean == (100 * 30 + 80) / 32
