"""The hot-product radar: the three rates and two cycles of a product, the 今日必抢 tag at
search growth above +200% and more than 2.5 orders per thousand impressions, and the coupon
decision it issues through the actuator."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.rules.radar.coupon import coupon_decision
from warroom.rules.radar.hot_product import Params, hot_product
from warroom.rules.radar.metrics import RadarCounts, radar_metrics

HOT = RadarCounts(
    "p1",
    3600,
    searches=90,
    searches_before=20,
    impressions=4000,
    plays=1000,
    completions=400,
    orders=12,
    units=14,
)


DEFAULT = Params()


def judge(counts: RadarCounts, params: Params = DEFAULT) -> bool:
    return hot_product(counts, radar_metrics(counts), params) is not None


def test_the_three_rates() -> None:
    m = radar_metrics(HOT)

    assert m.search_growth == pytest.approx(3.5)  # 20 -> 90: +350%
    assert m.completion_rate == pytest.approx(0.4)
    assert m.orders_per_mille == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("change", "hot"),
    [
        ({}, True),
        ({"searches": 60}, False),  # +200% exactly: not above
        ({"searches": 61}, True),
        ({"orders": 10}, False),  # 2.5 per mille exactly
        ({"searches_before": 0}, False),  # no base to grow from
        ({"impressions": 999, "orders": 3}, False),  # too few impressions to judge
        ({"searches": 19, "searches_before": 5}, False),  # too few searches
    ],
)
def test_tag_thresholds(change: dict[str, int], hot: bool) -> None:
    assert judge(replace(HOT, **change)) is hot


def test_the_hit_explains_itself_with_the_rulebook_values() -> None:
    hit = hot_product(HOT, radar_metrics(HOT), Params(coupon_pct=8))

    assert hit is not None
    assert hit.entity == "product:p1"
    assert hit.observed["search_growth"] == pytest.approx(3.5)
    assert hit.thresholds["min_search_growth"] == 2.0
    assert "searches +350% (20 → 90)" in hit.explanation and "8% coupon" in hit.explanation


@given(st.floats(0, 10), st.floats(0, 10))
def test_raising_a_threshold_never_adds_a_tag(growth: float, more: float) -> None:
    low = Params(min_search_growth=growth)
    high = Params(min_search_growth=growth + more)

    assert judge(HOT, high) <= judge(HOT, low)


@pytest.mark.parametrize(
    ("change", "stage"),
    [
        ({"video_age_s": None}, "none"),
        ({"video_age_s": 3600.0}, "new"),
        ({"video_age_s": 3 * 86400.0, "plays_before": 500}, "rising"),
        ({"video_age_s": 3 * 86400.0, "plays_before": 1000, "plays_peak": 1500}, "peak"),
        ({"video_age_s": 3 * 86400.0, "plays_before": 1000, "plays_peak": 5000}, "declining"),
    ],
)
def test_video_life_cycle(change: dict[str, object], stage: str) -> None:
    assert radar_metrics(replace(HOT, **change)).video_stage == stage  # type: ignore[arg-type]


def test_stock_turnover_days_at_the_window_pace() -> None:
    # 14 units an hour is 336 a day: 672 units last two days
    assert radar_metrics(replace(HOT, stock=672)).stock_turnover_days == pytest.approx(2.0)
    assert radar_metrics(replace(HOT, stock=None)).stock_turnover_days is None
    assert radar_metrics(replace(HOT, stock=50, units=0)).stock_turnover_days is None


def test_a_hit_issues_one_coupon_a_day_on_the_selling_campaign() -> None:
    hit = hot_product(HOT, radar_metrics(HOT), Params())
    assert hit is not None
    now = 1_795_000_000.0

    coupon = coupon_decision(hit, "p1", ("c9", "shop-1"), (2, "enforce", Params()), now)
    later = coupon_decision(hit, "p1", ("c9", "shop-1"), (2, "enforce", Params()), now + 3600)

    assert coupon is not None and later is not None
    assert (coupon.action, coupon.entity_id, coupon.result) == ("coupon", "c9", "proposed")
    assert {n: c.after for n, c in coupon.changes.items()} == {
        "tag": "今日必抢",
        "coupon_pct": "5",
        "product_id": "p1",
    }
    assert coupon.key == later.key  # the same day: one coupon
    assert "product:p1" in coupon.entities
    shadow = coupon_decision(hit, "p1", ("c9", "shop-1"), (2, "shadow", Params()), now)
    assert shadow is not None and (shadow.result, shadow.reason) == ("skipped", "shadow")
    assert coupon_decision(hit, "p1", ("c9", "shop-1"), (2, "off", Params()), now) is None
