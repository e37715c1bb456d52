"""Event-time state: per-IP sliding logs of orders and per-campaign and per-creative
minute counters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.schemas.internal import Activity
from warroom.streams.windows import CreativeCounters, MinuteCounters, SlidingLog

T0 = 1_731_326_400.0  # 2024-11-11 12:00:00 UTC
IP_A, IP_B = "203.0.113.45", "2001:db8::1"


# -- SlidingLog ------------------------------------------------------------------------------


def test_redelivered_order_is_not_counted_twice() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)

    assert log.add(IP_A, T0, "DY2411110001") is True
    assert log.add(IP_A, T0, "DY2411110001") is False
    assert log.add(IP_A, T0 + 3, "DY2411110001") is False

    assert log.around(IP_A, T0, 60) == [(T0, "DY2411110001")]


def test_the_same_order_id_may_appear_under_another_key() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)

    assert log.add(IP_A, T0, "DY2411110001")
    assert log.add(IP_B, T0, "DY2411110001")
    assert len(log) == 2


def test_around_returns_the_keys_orders_sorted_within_the_span_inclusive() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)
    for offset, order_id in [
        (30, "DY4"),
        (-61, "DY0"),
        (-60, "DY1"),
        (0, "DY2"),
        (60, "DY5"),
        (61, "DY6"),
        (10, "DY3"),
    ]:
        log.add(IP_A, T0 + offset, order_id)
    log.add(IP_B, T0, "DY9")

    around = log.around(IP_A, T0, 60)

    assert [order_id for _, order_id in around] == ["DY1", "DY2", "DY3", "DY4", "DY5"]
    assert [ts for ts, _ in around] == sorted(ts for ts, _ in around)


def test_around_an_unknown_key_is_empty() -> None:
    assert SlidingLog(60, 300).around("198.51.100.9", T0, 60) == []


def test_around_keeps_an_item_at_the_far_edge_whatever_its_id() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)
    log.add(IP_A, T0 + 60, "🛒-DY2411110001")

    assert log.around(IP_A, T0, 60) == [(T0 + 60, "🛒-DY2411110001")]


@pytest.mark.parametrize(
    ("ts", "late"),
    [
        (T0 + 100, False),
        (T0 - 299, False),
        (T0 - 300, False),
        (T0 - 300.5, True),
        (T0 - 3600, True),
    ],
)
def test_late_means_behind_the_watermark_by_more_than_the_lateness(ts: float, late: bool) -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)
    log.add(IP_A, T0, "DY1")

    assert log.is_late(ts) is late


def test_a_late_order_does_not_move_the_watermark_back() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)
    log.add(IP_A, T0, "DY1")
    log.add(IP_A, T0 - 1000, "DY0")

    assert log.watermark == T0
    assert log.is_late(T0 - 400)


def test_expire_forgets_old_orders_and_drops_empty_keys() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)
    log.add(IP_B, T0 - 400, "DY-old-b")
    log.add(IP_A, T0 - 361, "DY-old-a")
    log.add(IP_A, T0 - 360, "DY-edge")
    log.add(IP_A, T0, "DY-now")

    dropped = log.expire()

    assert dropped == 1
    assert len(log) == 1
    assert log.around(IP_B, T0 - 400, 10) == []
    assert [i for _, i in log.around(IP_A, T0, 1_000)] == ["DY-edge", "DY-now"]


def test_expire_with_nothing_old_drops_nothing() -> None:
    log = SlidingLog(horizon_s=60, lateness_s=300)
    log.add(IP_A, T0, "DY1")

    assert log.expire() == 0
    assert len(log) == 1


@given(
    st.lists(
        st.tuples(st.sampled_from([IP_A, IP_B, "198.51.100.7"]), st.floats(0, 7200)), max_size=200
    )
)
def test_after_expire_memory_is_bounded_by_the_horizon(events: list[tuple[str, float]]) -> None:
    log = SlidingLog(horizon_s=60, lateness_s=30)
    for n, (ip, offset) in enumerate(events):
        log.add(ip, T0 + offset, f"DY{n}")

    log.expire()

    cutoff = log.watermark - 90
    kept = [ts for ip in (IP_A, IP_B, "198.51.100.7") for ts, _ in log.around(ip, T0, 10_000)]
    assert all(ts >= cutoff for ts in kept)
    expected = sum(1 for _, offset in events if T0 + offset >= cutoff)
    assert len(kept) == expected
    assert len(log) == len({ip for ip, offset in events if T0 + offset >= cutoff})


# -- MinuteCounters --------------------------------------------------------------------------


def act(
    kind: str,
    offset: float,
    campaign: str = "cmp-double11-01",
    creative: str | None = "crv-tea-unboxing-3",
    **money: int,
) -> Activity:
    return Activity(
        campaign_id=campaign,
        creative_id=creative,
        shop_id="shop-hz-tea-007",
        ts=T0 + offset,
        kind=kind,  # type: ignore[arg-type]
        **money,
    )


def test_counts_each_kind_by_event_time_minute() -> None:
    counters = MinuteCounters()
    for a in [
        act("impression", 1),
        act("impression", 59.9),
        act("play", 20),
        act("click", 30, spend=8_500),
        act("impression", 60),
        act("order", 75, gmv=3_360_000),
    ]:
        assert counters.add(a)

    [snap] = counters.snapshots(now=T0 + 90)

    first, second = snap.minutes
    assert (first.minute, second.minute) == (int(T0 // 60), int(T0 // 60) + 1)
    assert (first.impressions, first.plays, first.clicks, first.orders) == (2, 1, 1, 0)
    assert (second.impressions, second.orders) == (1, 1)
    assert (first.spend, second.gmv) == (8_500, 3_360_000)
    assert (snap.campaign_id, snap.shop_id, snap.updated_at) == (
        "cmp-double11-01",
        "shop-hz-tea-007",
        T0 + 90,
    )


@given(st.lists(st.integers(0, 10**10), min_size=1, max_size=50))
def test_spend_and_gmv_sums_are_exact(amounts: list[int]) -> None:
    counters = MinuteCounters()
    for n, units in enumerate(amounts):
        counters.add(act("click", n % 60, spend=units))
        counters.add(act("order", n % 60, gmv=units + 1))

    [snap] = counters.snapshots(now=T0)

    assert sum(m.spend for m in snap.minutes) == sum(amounts)
    assert sum(m.gmv for m in snap.minutes) == sum(amounts) + len(amounts)


def test_minutes_older_than_kept_are_refused_and_not_counted() -> None:
    counters = MinuteCounters(keep_minutes=5)
    counters.add(act("click", 10 * 60))
    counters.snapshots(now=T0 + 600)

    assert counters.add(act("click", 5 * 60)) is True
    assert counters.add(act("click", 4 * 60 + 59)) is False
    assert counters.add(act("click", 60, campaign="cmp-other")) is False

    [snap] = counters.snapshots(now=T0 + 601)
    assert snap.campaign_id == "cmp-double11-01"
    assert [(m.minute - int(T0 // 60), m.clicks) for m in snap.minutes] == [(5, 1), (10, 1)]


def test_snapshots_cover_only_changed_campaigns_then_clear() -> None:
    counters = MinuteCounters()
    counters.add(act("click", 1, campaign="cmp-a"))
    counters.add(act("click", 2, campaign="cmp-b"))

    assert [s.campaign_id for s in counters.snapshots(now=T0 + 5)] == ["cmp-a", "cmp-b"]
    assert counters.snapshots(now=T0 + 6) == []

    counters.add(act("impression", 3, campaign="cmp-b"))
    [snap] = counters.snapshots(now=T0 + 7)
    assert snap.campaign_id == "cmp-b"
    assert (snap.minutes[0].clicks, snap.minutes[0].impressions) == (1, 1)


def test_old_minutes_leave_the_snapshot_as_time_moves_on() -> None:
    counters = MinuteCounters(keep_minutes=3)
    counters.add(act("click", 0))
    counters.add(act("click", 10 * 60))

    [snap] = counters.snapshots(now=T0 + 600)

    assert [m.minute - int(T0 // 60) for m in snap.minutes] == [10]


# -- CreativeCounters ------------------------------------------------------------------------


def test_each_creative_is_counted_apart_and_knows_its_campaign_and_shop() -> None:
    creatives = CreativeCounters()
    for a in [
        act("impression", 1, creative="crv-a"),
        act("click", 2, creative="crv-a", spend=8_500),
        act("impression", 3, creative="crv-b"),
        act("order", 65, creative="crv-a", gmv=3_360_000),
        act("impression", 4, campaign="cmp-other", creative="crv-c"),
    ]:
        assert creatives.add(a)

    snaps = {s.creative_id: s for s in creatives.snapshots(now=T0 + 90)}

    assert set(snaps) == {"crv-a", "crv-b", "crv-c"}
    a = snaps["crv-a"]
    assert (a.campaign_id, a.shop_id, a.updated_at) == (
        "cmp-double11-01",
        "shop-hz-tea-007",
        T0 + 90,
    )
    assert [(m.impressions, m.clicks, m.spend, m.orders, m.gmv) for m in a.minutes] == [
        (1, 1, 8_500, 0, 0),
        (0, 0, 0, 1, 3_360_000),
    ]
    assert [m.impressions for m in snaps["crv-b"].minutes] == [1]
    assert snaps["crv-c"].campaign_id == "cmp-other"
    assert creatives.by_campaign() == {
        "cmp-double11-01": ["crv-a", "crv-b"],
        "cmp-other": ["crv-c"],
    }


def test_activity_without_a_creative_is_not_counted_per_creative_and_not_late() -> None:
    creatives = CreativeCounters()

    assert creatives.add(act("click", 1, creative=None)) is True

    assert creatives.creatives() == [] and creatives.snapshots(now=T0) == []


def test_creative_snapshots_cover_only_changed_creatives_and_forget_old_minutes() -> None:
    creatives = CreativeCounters(keep_minutes=3)
    creatives.add(act("click", 0, creative="crv-a"))
    creatives.add(act("click", 1, creative="crv-b"))
    creatives.snapshots(now=T0 + 5)

    creatives.add(act("click", 10 * 60, creative="crv-a"))
    [snap] = creatives.snapshots(now=T0 + 600)

    assert snap.creative_id == "crv-a"
    assert [m.minute - int(T0 // 60) for m in snap.minutes] == [10]
    assert creatives.add(act("click", 60, creative="crv-b")) is False
