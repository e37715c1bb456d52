"""Same-device and same-user bursts: more than ``max_orders`` orders in any window [s, s + W)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk import same_ip_burst
from warroom.rules.risk.entity_burst import (
    DEVICE_RULE_ID,
    RULE_IDS,
    USER_RULE_ID,
    EntityKind,
    Params,
    entity_burst,
)

#: 2024-11-11 12:00:00 UTC, the Double 11 evening peak in Beijing.
T0 = 1_731_326_400
KINDS: tuple[EntityKind, ...] = ("device", "user")


def orders_at(*offsets: float) -> list[tuple[float, str]]:
    return sorted((T0 + off, f"KS2411{i:06d}") for i, off in enumerate(offsets))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("case", "offsets", "judged", "expected_count"),
    [
        ("exactly five within ten seconds", (0, 2, 4, 6, 8), 8, None),
        ("six within a minute", (0, 10, 20, 30, 40, 59), 59, 6),
        ("six within a minute, judged the first", (0, 10, 20, 30, 40, 59), 0, 6),
        ("six in the same second", (5, 5, 5, 5, 5, 5), 5, 6),
        ("first and last exactly 60 s apart", (0, 10, 20, 30, 40, 60), 60, None),
        ("sliding across the minute boundary", (50, 55, 59, 60, 65, 69), 69, 6),
        ("an old burst does not taint a later order", (0, 1, 2, 3, 4, 5, 300), 300, None),
    ],
)
def test_default_rule_on_a_table_of_order_streams(
    kind: EntityKind,
    case: str,
    offsets: tuple[float, ...],
    judged: float,
    expected_count: int | None,
) -> None:
    hit = entity_burst(kind, "k-1", T0 + judged, orders_at(*offsets), Params())

    if expected_count is None:
        assert hit is None, case
    else:
        assert hit is not None, case
        assert hit.observed["orders"] == len(hit.evidence) == expected_count


@pytest.mark.parametrize(
    ("kind", "key", "rule_id", "entity"),
    [
        ("device", "iPhone15-7F3A", DEVICE_RULE_ID, "device:iPhone15-7F3A"),
        ("user", "ks_88231", USER_RULE_ID, "user:ks_88231"),
    ],
)
def test_hit_names_its_rule_entity_thresholds_and_evidence(
    kind: EntityKind, key: str, rule_id: str, entity: str
) -> None:
    orders = orders_at(0, 10, 20, 30, 40, 59)

    hit = entity_burst(kind, key, T0 + 59, orders, Params())

    assert hit is not None
    assert hit.rule_id == rule_id == RULE_IDS[kind]
    assert hit.entity == entity
    assert hit.score == 60
    assert hit.thresholds == {"max_orders": 5, "window_s": 60}
    assert hit.observed == {"orders": 6, "first_ts": T0, "last_ts": T0 + 59, "span_s": 59}
    assert hit.evidence == tuple(order_id for _, order_id in orders)
    assert f"6 orders from {kind} {key} within 59.0 s (more than 5 in 60 s)" == hit.explanation


def test_rule_ids_are_the_documented_ones() -> None:
    assert DEVICE_RULE_ID == "risk.same_device_burst"
    assert USER_RULE_ID == "risk.same_user_burst"


def test_no_orders_is_no_hit() -> None:
    assert entity_burst("device", "d1", T0, [], Params()) is None


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
def test_out_of_range_parameters_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


# -- properties -------------------------------------------------------------------------------


@st.composite
def order_logs(draw: st.DrawFn) -> tuple[list[tuple[float, str]], float]:
    """A sorted order log of one device or user and the time of the judged order."""
    offsets = draw(st.lists(st.integers(0, 240), min_size=1, max_size=25))
    orders = orders_at(*offsets)
    return orders, draw(st.sampled_from(orders))[0]


def brute_force_count(times: Sequence[float], t: float, window_s: int) -> int:
    starts = range(int(t) - window_s + 1, int(t) + 1)
    return max(sum(1 for x in times if s <= x < s + window_s) for s in starts)


@given(order_logs(), st.sampled_from(KINDS), st.integers(1, 8), st.integers(1, 90))
def test_matches_brute_force_and_the_ip_rule(
    log: tuple[list[tuple[float, str]], float], kind: EntityKind, max_orders: int, window_s: int
) -> None:
    orders, ts = log
    expected = brute_force_count([t for t, _ in orders], ts, window_s)
    params = Params(max_orders=max_orders, window_s=window_s)
    ip_params = same_ip_burst.Params(max_orders=max_orders, window_s=window_s)

    hit = entity_burst(kind, "k", ts, orders, params)
    ip_hit = same_ip_burst.same_ip_burst("192.0.2.1", ts, orders, ip_params)

    assert (hit is None) == (expected <= max_orders) == (ip_hit is None)
    if hit is not None and ip_hit is not None:
        assert hit.observed == ip_hit.observed
        assert hit.evidence == ip_hit.evidence


@given(order_logs(), st.sampled_from(KINDS), st.integers(1, 8), st.integers(1, 8))
def test_raising_max_orders_never_adds_hits(
    log: tuple[list[tuple[float, str]], float], kind: EntityKind, low: int, high: int
) -> None:
    assume(low <= high)
    orders, ts = log

    strict = entity_burst(kind, "k", ts, orders, Params(max_orders=low))
    lenient = entity_burst(kind, "k", ts, orders, Params(max_orders=high))

    assert not (lenient is not None and strict is None)


@given(order_logs(), st.sampled_from(KINDS), st.integers(1, 8), st.integers(1, 120))
def test_hits_are_consistent_with_their_thresholds(
    log: tuple[list[tuple[float, str]], float], kind: EntityKind, max_orders: int, window_s: int
) -> None:
    orders, ts = log

    hit = entity_burst(kind, "k", ts, orders, Params(max_orders=max_orders, window_s=window_s))

    if hit is not None:
        assert hit.observed["orders"] > hit.thresholds["max_orders"] == max_orders
        assert hit.observed["span_s"] < hit.thresholds["window_s"] == window_s
        assert hit.observed["first_ts"] <= ts <= hit.observed["last_ts"]
