"""Live campaign metrics over the last 1/5/15/30/60 minutes, money in CNY."""

from __future__ import annotations

import pytest

from warroom.rules.budget.metrics import WINDOWS, live_windows, window_totals
from warroom.schemas.internal import CampaignMinute

#: Minute 28_855_440 is 2024-11-11 12:00 UTC; ``NOW`` is 35 s into it.
MINUTE = 28_855_440
NOW = MINUTE * 60 + 35


def m(ago: int, **counts: int) -> CampaignMinute:
    return CampaignMinute(minute=MINUTE - ago, **counts)


#: One click in each minute 0, 4, 5, 14, 29, 59 and 60 minutes ago.
SPREAD = [m(ago, clicks=1) for ago in (0, 4, 5, 14, 29, 59, 60)]


@pytest.mark.parametrize(("span", "clicks"), [(1, 1), (5, 2), (15, 4), (30, 5), (60, 6)])
def test_span_counts_the_current_minute_and_the_ones_before(span: int, clicks: int) -> None:
    assert window_totals(SPREAD, NOW, span)["clicks"] == clicks


def test_live_windows_reports_every_window() -> None:
    windows = live_windows(SPREAD, NOW)

    assert list(windows) == [f"{w}m" for w in WINDOWS] == ["1m", "5m", "15m", "30m", "60m"]
    assert [windows[k]["clicks"] for k in windows] == [1, 2, 4, 5, 6]


def test_totals_and_ratios_of_a_busy_minute() -> None:
    minute = m(
        0, impressions=12_000, plays=3_000, clicks=300, spend=4_500_000, orders=15, gmv=25_200_000
    )

    t = window_totals([minute], NOW, 1)

    assert t["impressions"] == 12_000
    assert t["plays"] == 3_000
    assert t["spend"] == 450.0
    assert t["gmv"] == 2520.0
    assert t["ctr"] == 0.025
    assert t["cvr"] == 0.05
    assert t["cpa"] == 30.0
    assert t["roi"] == 5.6


def test_money_units_become_cny_to_the_fen_and_below() -> None:
    t = window_totals([m(0, spend=123_456, orders=1, gmv=10_001)], NOW, 1)

    assert t["spend"] == 12.3456
    assert t["gmv"] == 1.0001


def test_ratios_are_rounded_to_six_places() -> None:
    t = window_totals([m(0, impressions=3, clicks=1)], NOW, 1)

    assert t["ctr"] == 0.333333


def test_nothing_yet_gives_zeros_and_no_ratios() -> None:
    t = window_totals([], NOW, 60)

    assert {k: t[k] for k in ("impressions", "clicks", "spend", "orders", "gmv")} == {
        "impressions": 0,
        "clicks": 0,
        "spend": 0,
        "orders": 0,
        "gmv": 0,
    }
    assert (t["ctr"], t["cvr"], t["cpa"], t["roi"]) == (None, None, None, None)


def test_zero_denominators_give_none_not_zero_or_an_error() -> None:
    # Shown but never clicked, nothing spent, nothing sold.
    t = window_totals([m(0, impressions=500)], NOW, 5)

    assert t["ctr"] == 0.0
    assert t["cvr"] is None
    assert t["cpa"] is None
    assert t["roi"] is None


def test_sales_without_spend_have_no_roi_but_a_zero_cpa() -> None:
    t = window_totals([m(0, clicks=10, orders=2, gmv=500_000)], NOW, 5)

    assert t["cvr"] == 0.2
    assert t["cpa"] == 0.0
    assert t["roi"] is None


def test_minutes_outside_the_span_do_not_count_money() -> None:
    minutes = [m(0, spend=10_000, gmv=50_000), m(1, spend=990_000, gmv=0)]

    assert window_totals(minutes, NOW, 1)["roi"] == 5.0
    assert window_totals(minutes, NOW, 2)["roi"] == 0.05


def test_minutes_after_now_are_not_in_the_last_minute() -> None:
    # Event times up to 24 h ahead are accepted (producer clock skew), so counters can hold
    # minutes after the API's `now`; the documented window ends at `now`.
    minutes = [m(0, clicks=1), m(-10, clicks=1_000)]

    assert window_totals(minutes, NOW, 1)["clicks"] == 1
