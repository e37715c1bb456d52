"""The flash-sale stock guard: a SKU's level from its stock and the pace of orders, and the
pauses of its campaigns at stop or sold out (enforce, shadow, off)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.errors import InvalidEntity
from warroom.rules.flash.stock_guard import Params, StockCount, stock_status
from warroom.rules.flash.stop import CampaignRef, stop_decisions
from warroom.rules.registry import KINDS

P = Params(alert_units=50, alert_within_s=300, stop_units=10, stop_within_s=60, pace_window_s=30)


@pytest.mark.parametrize(
    ("available", "sold", "recent", "level", "left"),
    [
        (1000, 0, 0, "ok", None),  # nothing sold
        (1000, 900, 0, "ok", None),  # 100 left, more than the alert's 50
        (1000, 960, 0, "alert", None),  # 40 left, no pace
        (1000, 991, 0, "stop", None),  # 9 left
        (1000, 1000, 0, "sold_out", None),
        (1000, 1003, 0, "sold_out", None),  # oversold (orders raced the stop)
        (1000, 700, 30, "alert", 300.0),  # 300 left at 1/s: 300 s
        (1000, 700, 300, "stop", 30.0),  # 300 left at 10/s: 30 s
    ],
)
def test_levels(available: int, sold: int, recent: int, level: str, left: float | None) -> None:
    status = stock_status(StockCount("SKU-1", available, sold, recent), P)

    assert status.level == level
    assert status.remaining == available - sold
    assert status.seconds_left == left


def test_explanation_says_what_is_left_and_when_it_sells_out() -> None:
    status = stock_status(StockCount("SKU-9", 500, 200, 60), P)

    assert (
        status.explanation
        == "SKU SKU-9: 300 of 500 left (200 ordered), sells out in 150 s at 2.00/s"
    )


def test_stop_above_alert_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidEntity) as err:
        KINDS["stock_guard"].validate({"mode": "enforce", "params": {"stop_units": 80}})
    assert err.value.field == "draft.params"
    with pytest.raises(InvalidEntity) as err:
        KINDS["stock_guard"].validate({"mode": "enforce", "params": {"pace_window_s": 0}})
    assert err.value.field == "draft.params.pace_window_s"


@given(
    available=st.integers(0, 10_000),
    sold=st.integers(0, 10_000),
    extra=st.integers(0, 1000),
    recent=st.integers(0, 1000),
)
def test_selling_more_never_makes_the_level_milder(
    available: int, sold: int, extra: int, recent: int
) -> None:
    order = ["ok", "alert", "stop", "sold_out"]
    before = stock_status(StockCount("s", available, sold, recent), P).level
    after = stock_status(StockCount("s", available, sold + extra, recent + extra), P).level

    assert order.index(after) >= order.index(before)


@given(stop=st.integers(0, 50), more=st.integers(0, 50), sold=st.integers(0, 200))
def test_raising_stop_units_never_removes_a_stop(stop: int, more: int, sold: int) -> None:
    low = Params(alert_units=200, stop_units=stop)
    high = Params(alert_units=200, stop_units=min(stop + more, 200))
    count = StockCount("s", 200, sold, 0)

    if stock_status(count, low).level in ("stop", "sold_out"):
        assert stock_status(count, high).level in ("stop", "sold_out")


CAMPAIGNS = [CampaignRef("c1", "shop-1"), CampaignRef("c2", "shop-1", "paused")]


def test_a_stop_pauses_each_active_campaign_once_per_minute_key() -> None:
    status = stock_status(StockCount("SKU-1", 100, 95, 0), P)

    [pause] = stop_decisions("SKU-1", status, CAMPAIGNS, (3, "enforce", P), now=1_795_000_000.0)

    assert (pause.action, pause.entity_kind, pause.entity_id, pause.mode) == (
        "pause",
        "campaign",
        "c1",
        "enforce",
    )
    assert (pause.result, pause.rule_id, pause.rule_version) == ("proposed", "flash.stock_guard", 3)
    assert pause.changes["status"].before == "active" and pause.changes["status"].after == "paused"
    assert pause.observed["remaining"] == 5
    assert pause.key.startswith("flash.stock_guard@v3|campaign:c1|sku:SKU-1|")
    assert {"sku:SKU-1", "campaign:c1", "shop:shop-1"} <= set(pause.entities)


def test_shadow_records_without_applying_and_off_or_ok_decides_nothing() -> None:
    stop = stock_status(StockCount("SKU-1", 100, 95, 0), P)
    fine = stock_status(StockCount("SKU-1", 100, 5, 0), P)

    [shadow] = stop_decisions("SKU-1", stop, CAMPAIGNS, (1, "shadow", P), now=0.0)
    assert (shadow.mode, shadow.result, shadow.reason) == ("shadow", "skipped", "shadow")
    assert stop_decisions("SKU-1", stop, CAMPAIGNS, (1, "off", P), now=0.0) == []
    assert stop_decisions("SKU-1", fine, CAMPAIGNS, (1, "enforce", P), now=0.0) == []
