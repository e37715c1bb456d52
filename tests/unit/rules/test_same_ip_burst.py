"""Same-IP burst: more than ``max_orders`` orders from one IP in any window [s, s + W)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.same_ip_burst import RULE_ID, Params, densest_window, same_ip_burst

IP = "203.0.113.45"
#: 2024-11-11 12:00:00 UTC, the evening of the Double 11 live-commerce peak in Beijing.
T0 = 1_731_326_400


def orders_at(*offsets: float) -> list[tuple[float, str]]:
    """The IP's orders, sorted by time, with Douyin-style order ids."""
    return sorted((T0 + off, f"DY2411{i:06d}") for i, off in enumerate(offsets))


def judge(offsets: Sequence[float], judged: float, **params: int) -> object:
    return same_ip_burst(IP, T0 + judged, orders_at(*offsets), Params(**params))


@pytest.mark.parametrize(
    ("case", "offsets", "judged", "expected_count"),
    [
        ("exactly five within ten seconds", (0, 2, 4, 6, 8), 8, None),
        ("six within a minute", (0, 10, 20, 30, 40, 59), 59, 6),
        ("six within a minute, judged the first", (0, 10, 20, 30, 40, 59), 0, 6),
        ("six in the same second", (5, 5, 5, 5, 5, 5), 5, 6),
        ("first and last exactly 60 s apart, judged the last", (0, 10, 20, 30, 40, 60), 60, None),
        ("first and last exactly 60 s apart, judged the first", (0, 10, 20, 30, 40, 60), 0, None),
        ("late order completes a burst", (0, 5, 10, 15, 20, 2), 2, 6),
        (
            "sliding, not tumbling: 3 at 0:50-0:59 and 3 at 1:00-1:09",
            (50, 55, 59, 60, 65, 69),
            69,
            6,
        ),
        ("sliding across the minute, judged before it", (50, 55, 59, 60, 65, 69), 50, 6),
        ("burst far earlier does not taint a later order", (0, 1, 2, 3, 4, 5, 300), 300, None),
        ("one minute of burst plus a straggler", (0, 30, 31, 32, 33, 34, 89), 89, 6),
        ("seven within a minute", (0, 1, 2, 3, 4, 5, 6), 3, 7),
    ],
)
def test_default_rule_on_a_table_of_order_streams(
    case: str, offsets: tuple[float, ...], judged: float, expected_count: int | None
) -> None:
    hit = judge(offsets, judged)

    if expected_count is None:
        assert hit is None, case
    else:
        assert hit is not None, case
        assert hit.observed["orders"] == expected_count
        assert len(hit.evidence) == expected_count


def test_hit_carries_rule_entity_thresholds_and_evidence() -> None:
    orders = orders_at(0, 10, 20, 30, 40, 59)

    hit = same_ip_burst(IP, T0 + 59, orders, Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.same_ip_burst"
    assert hit.entity == f"ip:{IP}"
    assert hit.score == 60
    assert hit.thresholds == {"max_orders": 5, "window_s": 60}
    assert hit.observed == {"orders": 6, "first_ts": T0, "last_ts": T0 + 59, "span_s": 59}
    assert hit.evidence == tuple(order_id for _, order_id in orders)
    assert "6 orders from IP 203.0.113.45" in hit.explanation
    assert "more than 5 in 60 s" in hit.explanation


def test_evidence_holds_only_the_orders_of_the_burst_window() -> None:
    orders = orders_at(0, 30, 31, 32, 33, 34, 89)

    hit = same_ip_burst(IP, T0 + 89, orders, Params())

    assert hit is not None
    assert orders[0][1] not in hit.evidence
    assert hit.evidence == tuple(order_id for _, order_id in orders[1:])
    assert hit.observed["first_ts"] == T0 + 30


def test_tuned_parameters_change_what_fires() -> None:
    three_in_nine_seconds = (0, 4, 9)
    three_in_ten_seconds = (0, 4, 10)

    tight = {"max_orders": 2, "window_s": 10, "score": 85}
    hit = judge(three_in_nine_seconds, 9, **tight)
    assert hit is not None
    assert hit.score == 85
    assert hit.thresholds == {"max_orders": 2, "window_s": 10}
    assert judge(three_in_ten_seconds, 10, **tight) is None


def test_no_orders_is_no_hit() -> None:
    assert same_ip_burst(IP, T0, [], Params()) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"max_orders": 0},
        {"max_orders": 10_001},
        {"window_s": 0},
        {"window_s": 3601},
        {"score": 101},
        {"score": -1},
        {"max_ordrs": 5},
    ],
)
def test_out_of_range_parameters_are_refused_when_published(bad: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


def test_densest_window_documented_example() -> None:
    assert densest_window([0, 10, 20, 95], 20, 60) == (0, 3)


# -- properties -------------------------------------------------------------------------------


@st.composite
def ip_orders(draw: st.DrawFn) -> tuple[list[tuple[float, str]], int]:
    """A sorted order log of one IP (whole seconds) and the index of the judged order."""
    offsets = draw(st.lists(st.integers(0, 240), min_size=1, max_size=25))
    orders = orders_at(*offsets)
    return orders, draw(st.integers(0, len(orders) - 1))


def brute_force_count(times: Sequence[float], t: float, window_s: int) -> int:
    """Fullest window [s, s + W) holding ``t``, trying every whole-second start.

    With whole-second times and W, every window holds the same orders as the one starting
    at the next whole second, so whole-second starts cover all windows.
    """
    starts = range(int(t) - window_s + 1, int(t) + 1)
    return max(sum(1 for x in times if s <= x < s + window_s) for s in starts)


@given(ip_orders(), st.integers(1, 8), st.integers(1, 90))
def test_matches_brute_force_reference(
    log: tuple[list[tuple[float, str]], int], max_orders: int, window_s: int
) -> None:
    orders, k = log
    ts, judged_id = orders[k]
    times = [when for when, _ in orders]
    expected = brute_force_count(times, ts, window_s)

    hit = same_ip_burst(IP, ts, orders, Params(max_orders=max_orders, window_s=window_s))

    if expected <= max_orders:
        assert hit is None
    else:
        assert hit is not None
        assert hit.observed["orders"] == expected
        assert judged_id in hit.evidence
        ids = set(hit.evidence)
        in_window = [when for when, order_id in orders if order_id in ids]
        first = min(in_window)
        assert first <= ts < first + window_s
        assert [w for w in times if first <= w < first + window_s] == sorted(in_window)


@given(ip_orders(), st.integers(1, 8), st.integers(1, 8), st.integers(1, 90))
def test_raising_max_orders_never_adds_hits(
    log: tuple[list[tuple[float, str]], int], low: int, high: int, window_s: int
) -> None:
    assume(low <= high)
    orders, k = log
    ts = orders[k][0]

    strict = same_ip_burst(IP, ts, orders, Params(max_orders=low, window_s=window_s))
    lenient = same_ip_burst(IP, ts, orders, Params(max_orders=high, window_s=window_s))

    assert not (lenient is not None and strict is None)


@given(ip_orders(), st.integers(1, 8), st.integers(1, 120), st.integers(1, 120))
def test_shrinking_the_window_never_adds_hits(
    log: tuple[list[tuple[float, str]], int], max_orders: int, short: int, long: int
) -> None:
    assume(short <= long)
    orders, k = log
    ts = orders[k][0]

    narrow = same_ip_burst(IP, ts, orders, Params(max_orders=max_orders, window_s=short))
    wide = same_ip_burst(IP, ts, orders, Params(max_orders=max_orders, window_s=long))

    assert not (narrow is not None and wide is None)


@given(
    st.lists(st.integers(0, 2400).map(lambda ds: ds / 10), min_size=1, max_size=30),
    st.data(),
    st.integers(1, 6),
    st.integers(1, 120),
)
def test_hit_count_matches_evidence_and_spans_less_than_the_window(
    offsets: list[float], data: st.DataObject, max_orders: int, window_s: int
) -> None:
    orders = orders_at(*offsets)
    ts = data.draw(st.sampled_from(orders))[0]

    hit = same_ip_burst(IP, ts, orders, Params(max_orders=max_orders, window_s=window_s))

    if hit is not None:
        assert hit.observed["orders"] == len(hit.evidence) > max_orders
        when = dict((order_id, t) for t, order_id in orders)
        stamps = [when[order_id] for order_id in hit.evidence]
        assert max(stamps) - min(stamps) < window_s
        assert hit.observed["span_s"] == max(stamps) - min(stamps)


def test_a_huge_burst_reports_its_full_count_and_a_bounded_evidence_list() -> None:
    from warroom.rules.risk.same_ip_burst import MAX_EVIDENCE

    orders = [(1_000 + i * 0.01, f"DY{i:06d}") for i in range(3_000)]
    hit = same_ip_burst("198.51.100.7", orders[-1][0], orders, Params())
    assert hit is not None
    assert hit.observed["orders"] == 3_000
    assert hit.evidence == tuple(order_id for _, order_id in orders[:MAX_EVIDENCE])
