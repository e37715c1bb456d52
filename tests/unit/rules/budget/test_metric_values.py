"""Every metric of the vocabulary per window, the shop-local day, and what a condition reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.rules.budget.metrics import (
    DayTotals,
    MinuteCounts,
    ctr_rank_pct,
    feed,
    local_day,
    local_midnight,
    metric_values,
    minutes_since_midnight,
    today_totals,
    window_totals,
)
from warroom.rules.budget.vocabulary import NAMES
from warroom.schemas.internal import CampaignMinute

#: 2024-11-11 12:00 UTC (20:00 in Shanghai); ``NOW`` is 35 s into that minute.
MINUTE = 28_855_440
NOW = MINUTE * 60 + 35
SHANGHAI = "Asia/Shanghai"
FIELDS = {"target_cpa": Decimal("35.00"), "target_roi": Decimal("2.5"), "bid": Decimal("1.20")}


def busy(ago: int = 0, **extra: int) -> MinuteCounts:
    counts = {"impressions": 12_000, "plays": 3_000, "clicks": 300, "spend": 4_500_000}
    counts |= {"orders": 15, "gmv": 25_200_000, "completions": 900}
    return MinuteCounts(minute=MINUTE - ago, **(counts | extra))


def test_gpm_is_gmv_per_thousand_impressions_and_completion_rate_completions_per_play() -> None:
    t = window_totals([busy()], NOW, 1)

    assert t["gpm"] == 210.0  # ¥2,520 over 12,000 impressions
    assert t["completion_rate"] == 0.3  # 900 of 3,000 plays watched to the end


@pytest.mark.parametrize(
    ("case", "minutes", "rate"),
    [
        ("history without the counter", [MinuteCounts(minute=MINUTE, plays=10)], None),
        ("one minute without the counter", [busy(0), MinuteCounts(minute=MINUTE - 1)], None),
        ("live counters count them", [CampaignMinute(minute=MINUTE, plays=10, completions=4)], 0.4),
        ("counted but nothing played", [MinuteCounts(minute=MINUTE, completions=0)], None),
        ("counted in every minute", [busy(0), busy(1, completions=300)], 0.2),
    ],
)
def test_completion_rate_is_unknown_without_the_counter(
    case: str, minutes: list[CampaignMinute], rate: float | None
) -> None:
    assert window_totals(minutes, NOW, 5)["completion_rate"] == rate, case


def test_metric_values_gives_exactly_the_vocabulary() -> None:
    values = metric_values([busy()], NOW, day=None, zone=SHANGHAI, fields=FIELDS)

    assert set(values) == NAMES
    assert values["spend_1m"] == 450.0
    assert values["orders_30m"] == 15
    assert values["roi_60m"] == 5.6
    assert values["target_cpa"] == 35.0
    assert values["daily_budget"] is None  # not given: unknown, not 0


def test_features_are_added_to_the_vocabulary() -> None:
    values = metric_values([], NOW, day=None, zone=SHANGHAI, features={"ctr_rank_pct": 5.0})

    assert set(values) == NAMES | {"ctr_rank_pct"}
    assert values["ctr_rank_pct"] == 5.0


def test_today_without_an_accumulator_is_unknown_not_zero() -> None:
    values = metric_values([busy()], NOW, day=None, zone=SHANGHAI)

    assert values["orders_today"] is None
    assert values["spend_today"] is None


def test_today_comes_from_the_day_totals_of_the_shop_local_day() -> None:
    day = feed(None, busy(0), SHANGHAI)
    day = feed(day, busy(90), SHANGHAI)  # 18:30 in Shanghai: today there, beyond the counters

    values = metric_values([busy(0)], NOW, day=day, zone=SHANGHAI)

    assert day.day == date(2024, 11, 11)
    assert values["orders_today"] == 30
    assert values["orders_60m"] == 15
    assert values["roi_today"] == 5.6
    assert values["completion_rate_today"] == 0.3


def test_a_new_local_day_starts_from_zero() -> None:
    # 15:59 UTC is 23:59 in Shanghai on the 11th; 16:00 UTC is midnight, the 12th.
    before_midnight = MINUTE + 3 * 60 + 59
    day = feed(None, MinuteCounts(minute=before_midnight, orders=4), SHANGHAI)

    after = (before_midnight + 1) * 60 + 5
    assert today_totals(day, after, SHANGHAI)["orders"] == 0
    assert today_totals(day, after - 10, SHANGHAI)["orders"] == 4

    rolled = day.add(MinuteCounts(minute=before_midnight + 1, orders=1), SHANGHAI)
    assert (rolled.day, rolled.orders) == (date(2024, 11, 12), 1)


def test_a_late_minute_of_a_day_that_is_over_is_counted_as_late_not_added() -> None:
    day = DayTotals.start(date(2024, 11, 12))

    later = day.add(MinuteCounts(minute=MINUTE, orders=9), SHANGHAI)  # the 11th

    assert later.orders == 0
    assert later.late_minutes == 1


def test_totals_of_a_later_day_than_now_are_unknown() -> None:
    ahead = DayTotals(day=date(2024, 11, 12), orders=3)

    assert today_totals(ahead, NOW, SHANGHAI)["orders"] is None


def test_minutes_since_local_midnight() -> None:
    assert minutes_since_midnight(NOW, SHANGHAI) == 20 * 60
    assert minutes_since_midnight(NOW, "UTC") == 12 * 60


#: Minute counters of one UTC hour, as increments: (minute offset, clicks, spend, orders).
INCREMENTS = st.lists(
    st.tuples(st.integers(0, 59), st.integers(0, 50), st.integers(0, 10**7), st.integers(0, 5)),
    max_size=40,
)


@given(INCREMENTS)
def test_day_totals_fed_increments_match_the_counters_over_the_hour(
    increments: list[tuple[int, int, int, int]],
) -> None:
    start = MINUTE  # 12:00 UTC; the first hour of the UTC day is not needed
    now = (start + 59) * 60 + 30
    minutes: dict[int, dict[str, int]] = {}
    day = feed(None, MinuteCounts(minute=start, completions=0), "UTC")
    for offset, clicks, spend, orders in increments:
        inc = {"clicks": clicks, "spend": spend, "orders": orders, "completions": clicks}
        day = day.add(MinuteCounts(minute=start + offset, **inc), "UTC")
        bucket = minutes.setdefault(start + offset, {})
        for k, x in inc.items():
            bucket[k] = bucket.get(k, 0) + x
    counters = [MinuteCounts(minute=m, **c) for m, c in minutes.items()]

    assert today_totals(day, now, "UTC") == window_totals(counters, now, 60)


ZONES = st.sampled_from(
    ["Asia/Shanghai", "UTC", "America/Santiago", "America/New_York", "Asia/Kathmandu"]
)


@given(st.floats(1.45e9, 2.1e9), ZONES)
def test_local_midnight_is_the_first_instant_of_the_local_day(ts: float, zone: str) -> None:
    start = local_midnight(ts, zone)

    assert start <= ts
    assert local_day(start, zone) == local_day(ts, zone)
    assert local_day(start - 1, zone) < local_day(ts, zone)


def test_local_midnight_where_dst_skips_midnight() -> None:
    # Santiago springs forward from 00:00 to 01:00 on 2024-09-08: the day starts at 01:00.
    ts = datetime(2024, 9, 8, 12, 0, tzinfo=UTC).timestamp()

    start = local_midnight(ts, "America/Santiago")

    assert datetime.fromtimestamp(start, UTC) == datetime(2024, 9, 8, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ctr", "campaign", "rank"),
    [
        (0.05, [0.05, 0.01, 0.02, 0.03, 0.04], 0.0),
        (0.04, [0.05, 0.01, 0.02, 0.03, 0.04], 20.0),
        (0.01, [0.05, 0.01, 0.02, 0.03, 0.04], 80.0),
        (0.03, [0.03, 0.03, None], 0.0),  # ties share the rank; unknown CTRs are left out
        (None, [0.02], None),
        (0.02, [], None),
    ],
)
def test_ctr_rank_is_the_share_of_creatives_with_a_higher_ctr(
    ctr: float | None, campaign: list[float | None], rank: float | None
) -> None:
    assert ctr_rank_pct(ctr, campaign) == rank
