"""Replaying risk rules over orders and payments: the same hits the agents would give, in
event-time order, and precision / recall against review labels."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from warroom.backtest.payments import PaymentRow, replay_mismatch
from warroom.backtest.report import risk_summary
from warroom.backtest.risk import OrderRow, replay_bursts, replay_night, replay_prices
from warroom.rules.risk import night_surge, payment_mismatch, price_deviation
from warroom.rules.risk.price_stats import RunningMean
from warroom.rules.risk.same_ip_burst import Params as BurstParams
from warroom.rules.risk.scoring import Thresholds
from warroom.store.warehouse.baselines import HourlyHistory

T0 = 1_740_800_000.0  # 2025-03-01 03:33 UTC


def order(i: int, ts: float, ip: str = "1.1.1.1", sku: str = "k1", price: str = "100") -> OrderRow:
    return OrderRow(ts, f"o{i}", "s1", sku, ip, f"u{i}", f"d{i}", Decimal(price), Decimal(price))


def test_a_burst_is_flagged_from_the_order_that_crosses_the_limit() -> None:
    burst = [order(i, T0 + i) for i in range(8)]  # 8 orders in 8 s from one IP
    calm = [order(100 + i, T0 + 120 * i, ip="2.2.2.2") for i in range(8)]  # one per 2 min
    orders = sorted(burst + calm, key=lambda o: o.ts)
    hits = replay_bursts("ip", orders, BurstParams(), since=T0)
    assert sorted(hits) == ["o5", "o6", "o7"]  # the 6th, 7th and 8th: more than 5 in 60 s
    assert hits["o7"][0].observed["orders"] == 8
    looser = replay_bursts("ip", orders, BurstParams(max_orders=7), since=T0)
    assert set(looser) <= set(hits) and sorted(looser) == ["o7"]


def test_orders_before_the_window_count_but_are_not_judged() -> None:
    orders = [order(i, T0 + i) for i in range(8)]
    hits = replay_bursts("ip", orders, BurstParams(), since=T0 + 6.5)
    assert sorted(hits) == ["o7"]


def test_prices_against_the_seeded_history_and_the_stream() -> None:
    seed = {"k1": RunningMean.seeded(100.0, 50)}
    orders = [order(0, T0, price="60"), order(1, T0 + 1, price="99"), order(2, T0 + 2, sku="k2")]
    hits = replay_prices(orders, price_deviation.Params(), seed.get, decay=1.0)
    assert list(hits) == ["o0"]  # k2 has no history: no hit before min_samples
    assert hits["o0"][0].observed["samples"] == 50


def test_a_night_surge_against_the_hourly_history() -> None:
    slot = datetime(2025, 3, 1, 18, 0, tzinfo=UTC).timestamp()  # 02:00 in Shanghai
    orders = [order(i, slot + 10 * i) for i in range(40)]
    quiet = HourlyHistory({("shop", "s1"): tuple([2.0] * 24)})
    hits = replay_night(orders, night_surge.Params(), {"s1": "Asia/Shanghai"}, quiet, since=slot)
    assert "o39" in hits and "o5" not in hits  # from 20 orders, above 6 × the baseline
    assert all(h.entity == "shop:s1" for found in hits.values() for h in found)


def test_payment_mismatch_and_unknown_orders() -> None:
    def paid(i: int, amount: str, order_amount: str | None) -> PaymentRow:
        known = None if order_amount is None else Decimal(order_amount)
        return PaymentRow(
            T0, f"e{i}", f"p{i}", f"o{i}", Decimal(amount), "card", "success", "", known
        )

    rows = [paid(0, "90", "100"), paid(1, "100", "100"), paid(2, "5", None)]
    hits = replay_mismatch(rows, payment_mismatch.Params())
    assert list(hits) == ["o0"]


def test_precision_and_recall_from_labels() -> None:
    orders = [order(i, T0 + i) for i in range(8)]
    hits = replay_bursts("ip", orders, BurstParams(), since=T0)  # o5, o6, o7
    labels = {"o5": "fraud", "o6": "legit", "o1": "fraud", "o2": "legit"}
    amounts = {o.order_id: o.amount for o in orders}
    summary = risk_summary(hits, Thresholds(), len(orders), amounts, labels)
    assert (summary["flagged"], summary["held"], summary["amount_held"]) == (3, 3, Decimal(300))
    assert (summary["precision"], summary["recall"]) == (0.5, 0.5)
    assert risk_summary({}, Thresholds(), 8, amounts, {})["precision"] is None


def test_skipping_prices_inside_the_band_changes_no_hit() -> None:
    import random

    rng = random.Random(3)
    prices = ["100", "70", "69.99", "70.01", "500", "500.01", "30", "99.5", "250"]
    orders = [order(i, T0 + i, sku=f"k{i % 3}", price=rng.choice(prices)) for i in range(3000)]
    params = price_deviation.Params(min_samples=5)
    got = replay_prices(orders, params, lambda sku: None, decay=0.999)
    means: dict[str, RunningMean] = {}
    expected = {}
    for o in orders:  # the rule on every order, as the agent does
        mean = means.get(o.sku, RunningMean(decay=0.999))
        hit = price_deviation.price_deviation(o.sku, o.unit_price, mean, params)
        if hit is None:
            means[o.sku] = mean.add(float(o.unit_price))
        else:
            expected[o.order_id] = hit
    assert {k: v[0] for k, v in got.items()} == expected and expected


def test_the_per_minute_slot_test_changes_no_hit() -> None:
    from datetime import time

    slot = datetime(2025, 3, 1, 17, 0, tzinfo=UTC).timestamp()  # 01:00 in Shanghai
    orders = [order(i, slot + 0.5 + 7 * i) for i in range(2000)]  # 01:00 to 04:53
    zones = {"s1": "Asia/Shanghai"}
    whole = night_surge.Params(min_orders=5)  # memoised per minute
    exact = night_surge.Params(min_orders=5, start=time(2, 0, 0, 1), end=time(4, 0, 0, 1))
    quiet = HourlyHistory({("shop", "s1"): tuple([1.0] * 24)})
    got = replay_night(orders, whole, zones, quiet, since=slot)
    assert got and set(got) == set(replay_night(orders, exact, zones, quiet, since=slot))
