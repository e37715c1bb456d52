"""Night surge: orders in the 02:00-04:00 slot (shop time zone) above 6× the slot's baseline."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.night_surge import RULE_ID, Params, SlotCounts, local_slot, night_surge

ZONES = ("Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")


def utc(*parts: int) -> float:
    """Epoch seconds of a UTC wall-clock time."""
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


#: 02:30 in Beijing on the night after Double 11 (18:30 UTC).
BEIJING_NIGHT = utc(2024, 11, 11, 18, 30)


@pytest.mark.parametrize(
    ("case", "ts", "tz", "slot"),
    [
        (
            "Beijing 02:00 opens the slot",
            utc(2024, 11, 11, 18, 0),
            "Asia/Shanghai",
            "2024-11-12T02:00",
        ),
        ("Beijing 01:59:59 is before it", utc(2024, 11, 11, 17, 59, 59), "Asia/Shanghai", None),
        (
            "Beijing 03:59:59 is inside",
            utc(2024, 11, 11, 19, 59, 59),
            "Asia/Shanghai",
            "2024-11-12T02:00",
        ),
        ("Beijing 04:00 closes it", utc(2024, 11, 11, 20, 0), "Asia/Shanghai", None),
        ("02:00 UTC in a UTC shop", utc(2024, 11, 12, 2, 0), "UTC", "2024-11-12T02:00"),
        ("03:59:59 UTC in a UTC shop", utc(2024, 11, 12, 3, 59, 59), "UTC", "2024-11-12T02:00"),
        ("04:00 UTC in a UTC shop", utc(2024, 11, 12, 4, 0), "UTC", None),
        ("Beijing's night is a UTC shop's afternoon", utc(2024, 11, 11, 18, 30), "UTC", None),
        ("Berlin winter 02:00 CET", utc(2024, 1, 15, 1, 0), "Europe/Berlin", "2024-01-15T02:00"),
        ("Berlin summer 02:00 CEST", utc(2024, 7, 15, 0, 0), "Europe/Berlin", "2024-07-15T02:00"),
        ("Berlin summer 04:00 CEST", utc(2024, 7, 15, 2, 0), "Europe/Berlin", None),
        # Spring forward, 2024-03-31: 02:00 CET jumps to 03:00 CEST; the slot lasts one hour.
        ("Berlin spring 01:59:59 CET", utc(2024, 3, 31, 0, 59, 59), "Europe/Berlin", None),
        ("Berlin spring 03:00 CEST", utc(2024, 3, 31, 1, 0), "Europe/Berlin", "2024-03-31T02:00"),
        (
            "Berlin spring 03:59:59 CEST",
            utc(2024, 3, 31, 1, 59, 59),
            "Europe/Berlin",
            "2024-03-31T02:00",
        ),
        ("Berlin spring 04:00 CEST", utc(2024, 3, 31, 2, 0), "Europe/Berlin", None),
        # Fall back, 2024-10-27: 03:00 CEST returns to 02:00 CET; the slot lasts three hours.
        ("Berlin fall 01:59:59 CEST", utc(2024, 10, 26, 23, 59, 59), "Europe/Berlin", None),
        (
            "Berlin fall first 02:00 (CEST)",
            utc(2024, 10, 27, 0, 0),
            "Europe/Berlin",
            "2024-10-27T02:00",
        ),
        (
            "Berlin fall second 02:00 (CET)",
            utc(2024, 10, 27, 1, 0),
            "Europe/Berlin",
            "2024-10-27T02:00",
        ),
        (
            "Berlin fall 03:59:59 CET",
            utc(2024, 10, 27, 2, 59, 59),
            "Europe/Berlin",
            "2024-10-27T02:00",
        ),
        ("Berlin fall 04:00 CET", utc(2024, 10, 27, 3, 0), "Europe/Berlin", None),
        (
            "half-hour zone: 02:00 in Kolkata",
            utc(2024, 11, 11, 20, 30),
            "Asia/Kolkata",
            "2024-11-12T02:00",
        ),
        ("half-hour zone: 01:59 in Kolkata", utc(2024, 11, 11, 20, 29), "Asia/Kolkata", None),
        ("unknown zone", utc(2024, 11, 12, 2, 30), "Mars/Olympus_Mons", None),
        ("zone name in the wrong case", utc(2024, 11, 12, 2, 30), "utc", None),
        ("a directory is not a zone", utc(2024, 11, 12, 2, 30), "Europe", None),
        ("path outside the zone database", utc(2024, 11, 12, 2, 30), "../etc/passwd", None),
        ("empty zone", utc(2024, 11, 12, 2, 30), "", None),
        ("no zone", utc(2024, 11, 12, 2, 30), None, None),
    ],
)
def test_slot_follows_the_shops_wall_clock(
    case: str, ts: float, tz: str | None, slot: str | None
) -> None:
    assert local_slot(ts, tz, Params()) == slot, case


@pytest.mark.parametrize(
    ("ts", "slot"),
    [
        (utc(2024, 11, 11, 14, 59), None),  # 22:59 Beijing
        (utc(2024, 11, 11, 15, 0), "2024-11-11T23:00"),  # 23:00
        (utc(2024, 11, 11, 16, 30), "2024-11-11T23:00"),  # 00:30 the next day
        (utc(2024, 11, 11, 17, 0), None),  # 01:00
    ],
)
def test_an_overnight_slot_is_named_by_the_evening_it_opened(ts: float, slot: str | None) -> None:
    params = Params(start=time(23, 0), end=time(1, 0))
    assert local_slot(ts, "Asia/Shanghai", params) == slot


def counts(orders: int, baseline: float | None, tz: str | None = "Asia/Shanghai") -> SlotCounts:
    return SlotCounts("shop", "ks_shop_77", tz, orders=orders, baseline=baseline)


@pytest.mark.parametrize(
    ("case", "ts", "slot_counts", "fires"),
    [
        ("31 orders against a baseline of 5", BEIJING_NIGHT, counts(31, 5.0), True),
        ("exactly 6× the baseline", BEIJING_NIGHT, counts(30, 5.0), False),
        ("far above, but outside the slot", utc(2024, 11, 11, 12, 0), counts(500, 5.0), False),
        ("no baseline yet", BEIJING_NIGHT, counts(500, None), False),
        ("a NaN baseline", BEIJING_NIGHT, counts(500, float("nan")), False),
        ("a negative baseline", BEIJING_NIGHT, counts(500, -1.0), False),
        ("an infinite baseline", BEIJING_NIGHT, counts(500, float("inf")), False),
        ("zero baseline, exactly min_orders", BEIJING_NIGHT, counts(20, 0.0), True),
        ("zero baseline, below min_orders", BEIJING_NIGHT, counts(19, 0.0), False),
        ("above 6× but below min_orders", BEIJING_NIGHT, counts(19, 3.0), False),
        ("above 6× at min_orders", BEIJING_NIGHT, counts(20, 3.0), True),
        ("unknown shop time zone", BEIJING_NIGHT, counts(500, 5.0, "Nowhere/City"), False),
        ("no shop time zone", BEIJING_NIGHT, counts(500, 5.0, None), False),
        ("a UTC shop at 02:00 UTC", utc(2024, 11, 12, 2, 0), counts(31, 5.0, "UTC"), True),
        ("a UTC shop on Beijing's night", BEIJING_NIGHT, counts(31, 5.0, "UTC"), False),
        (
            "Berlin on the fall-back night",
            utc(2024, 10, 27, 1, 30),
            counts(31, 5.0, "Europe/Berlin"),
            True,
        ),
        ("Berlin's skipped hour", utc(2024, 3, 31, 0, 30), counts(31, 5.0, "Europe/Berlin"), False),
    ],
)
def test_default_rule_on_a_table_of_slots(
    case: str, ts: float, slot_counts: SlotCounts, fires: bool
) -> None:
    assert (night_surge(ts, slot_counts, Params()) is not None) == fires, case


def test_hit_explains_slot_baseline_and_thresholds() -> None:
    slot_counts = SlotCounts("sku", "SKU-lipstick-09", "Asia/Shanghai", orders=45, baseline=5.0)

    hit = night_surge(BEIJING_NIGHT, slot_counts, Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.night_surge"
    assert hit.entity == "sku:SKU-lipstick-09"
    assert hit.score == 30
    assert hit.observed == {
        "orders": 45,
        "baseline": 5.0,
        "ratio": 9.0,
        "slot": "2024-11-12T02:00",
        "tz": "Asia/Shanghai",
        "local_time": "02:30",
    }
    assert hit.thresholds == {
        "factor": 6.0,
        "limit": 30.0,
        "min_orders": 20,
        "window": "02:00-04:00",
    }
    assert "45 orders for sku SKU-lipstick-09 in the 02:00-04:00 slot" in hit.explanation
    assert "9.0× the baseline of 5" in hit.explanation
    assert "(Asia/Shanghai)" in hit.explanation


def test_a_zero_baseline_hit_reports_no_ratio() -> None:
    hit = night_surge(BEIJING_NIGHT, counts(25, 0.0), Params())

    assert hit is not None
    assert hit.observed["ratio"] is None
    assert "no orders expected" in hit.explanation


def test_parameters_read_from_json_times() -> None:
    params = Params.model_validate({"start": "23:30", "end": "01:15", "factor": 4})
    assert (params.start, params.end) == (time(23, 30), time(1, 15))
    assert params.model_dump(mode="json")["start"] == "23:30:00"


@pytest.mark.parametrize(
    "bad",
    [
        {"start": "02:00", "end": "02:00"},
        {"start": "02:00+08:00"},
        {"start": "25:00"},
        {"factor": 0.5},
        {"factor": 1001},
        {"min_orders": 0},
        {"score": 101},
        {"tz": "Asia/Shanghai"},
    ],
)
def test_out_of_range_parameters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Params.model_validate(bad)


# -- properties -------------------------------------------------------------------------------

NIGHTS = st.integers(int(utc(2024, 1, 1)), int(utc(2025, 12, 31))).map(float)


@given(NIGHTS)
def test_in_beijing_the_slot_is_utc_18_to_20(ts: float) -> None:
    beijing_hour = (datetime.fromtimestamp(ts, UTC) + timedelta(hours=8)).hour
    assert (local_slot(ts, "Asia/Shanghai", Params()) is not None) == (beijing_hour in (2, 3))


slot_counts = st.builds(
    SlotCounts,
    scope=st.sampled_from(["shop", "sku"]),
    key=st.just("s1"),
    tz=st.sampled_from(ZONES),
    orders=st.integers(0, 400),
    baseline=st.one_of(st.none(), st.floats(0, 100)),
)


@given(NIGHTS, slot_counts, st.floats(1, 20), st.floats(1, 20))
def test_raising_the_factor_never_adds_hits(
    ts: float, c: SlotCounts, low: float, high: float
) -> None:
    assume(low <= high)
    strict = night_surge(ts, c, Params(factor=low))
    lenient = night_surge(ts, c, Params(factor=high))
    assert not (lenient is not None and strict is None)


@given(NIGHTS, slot_counts, st.integers(1, 400), st.integers(1, 400))
def test_raising_min_orders_never_adds_hits(ts: float, c: SlotCounts, low: int, high: int) -> None:
    assume(low <= high)
    strict = night_surge(ts, c, Params(min_orders=low))
    lenient = night_surge(ts, c, Params(min_orders=high))
    assert not (lenient is not None and strict is None)


@given(NIGHTS, slot_counts, st.floats(1, 20), st.integers(1, 100))
def test_hits_are_consistent_with_their_thresholds(
    ts: float, c: SlotCounts, factor: float, min_orders: int
) -> None:
    params = Params(factor=factor, min_orders=min_orders)

    hit = night_surge(ts, c, params)

    if hit is not None:
        assert hit.observed["orders"] > hit.thresholds["limit"]
        assert hit.thresholds["limit"] == hit.thresholds["factor"] * hit.observed["baseline"]
        assert hit.observed["orders"] >= hit.thresholds["min_orders"]
        assert hit.observed["slot"] == local_slot(ts, c.tz, params) is not None
        assert time(2, 0) <= time.fromisoformat(hit.observed["local_time"]) < time(4, 0)
