"""A SKU's stock as the flash-sale agent keeps it: orders count down from the last stock
level, a resent order once, an order the level already counts not at all, and the state
survives a checkpoint round trip per partition."""

from __future__ import annotations

from warroom.schemas.flash import SkuFlow
from warroom.streams.codecs import encode_envelope
from warroom.streams.partitioning import partition_for
from warroom.streams.stock_state import StockState


def order(n: int, ts: float, units: int = 1, sku: str = "SKU-1") -> SkuFlow:
    return SkuFlow(
        kind="order", id=f"o{n}", sku=sku, shop_id="s", ts=ts, units=units, campaign_id="c1"
    )


def level(units: int, ts: float, sku: str = "SKU-1") -> SkuFlow:
    return SkuFlow(kind="stock", id=f"l{ts}", sku=sku, shop_id="s", ts=ts, units=units)


def test_orders_count_down_from_the_last_level() -> None:
    state = StockState(4)
    state.add(level(100, ts=1000))
    for n in range(5):
        state.add(order(n, ts=1001 + n, units=2))
    state.add(order(2, ts=1003, units=2))  # resent
    state.add(order(99, ts=999, units=7))  # before the level: in it already

    count = state.skus["SKU-1"].count("SKU-1", now=1010, pace_window_s=8)
    assert count is not None
    assert (count.available, count.sold) == (100, 10)
    assert count.recent_units == 6  # orders after 1002
    assert state.skus["SKU-1"].campaigns == {"c1"}


def test_a_new_level_restarts_the_count_and_an_older_one_is_ignored() -> None:
    state = StockState(4)
    state.add(level(100, ts=1000))
    state.add(order(1, ts=1001, units=30))
    state.skus["SKU-1"].stopped.add("c1")
    assert state.add(level(500, ts=1002))
    assert not state.add(level(7, ts=1001.5))
    state.add(order(2, ts=1003, units=1))

    held = state.skus["SKU-1"]
    count = held.count("SKU-1", now=1004, pace_window_s=30)
    assert count is not None and (count.available, count.sold) == (500, 1)
    assert held.stopped == set()  # a restock lets the campaigns run again


def test_no_level_no_countdown() -> None:
    state = StockState(4)
    state.add(order(1, ts=1.0))

    assert state.skus["SKU-1"].count("SKU-1", now=2.0, pace_window_s=30) is None


def test_checkpoint_round_trip_and_replay_per_partition() -> None:
    skus = [f"SKU-{n}" for n in range(20)]
    state = StockState(4)
    for sku in skus:
        state.add(level(50, ts=10, sku=sku))
        state.add(order(1, ts=11, units=3, sku=sku))
    saved = {p: state.dump(p) for p in range(4)}

    fresh = StockState(4)
    for p, data in saved.items():
        fresh.load(p, data)
    fresh.replay([encode_envelope([order(2, ts=12, units=4, sku="SKU-3")])])

    assert set(fresh.skus) == set(skus)
    assert fresh.skus["SKU-3"].count("SKU-3", 13, 30).sold == 7  # type: ignore[union-attr]
    fresh.load(partition_for("SKU-3", 4), None)
    assert "SKU-3" not in fresh.skus and len(fresh.skus) < len(skus)
