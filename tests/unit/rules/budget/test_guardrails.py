"""Guardrails: each one blocks on its own, in a fixed order, with the values that decided."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.rules.budget.body import Guardrails
from warroom.rules.budget.guardrails import (
    KEPT,
    ActionType,
    Facts,
    History,
    blocking,
    check,
    evidence_window,
    roi_alone,
    state,
)
from warroom.rules.budget.vocabulary import NAMES
from warroom.rules.condition import compile_condition

NOW = 1_731_326_435.0  # 2024-11-11 12:00:35 UTC, 20:00:35 in Shanghai
MIDNIGHT = 1_731_254_400.0  # 2024-11-11 00:00 in Shanghai
FAST_STOP = compile_condition("spend_30m >= 2 * target_cpa and orders_30m == 0", NAMES)
LOW_ROI = compile_condition("roi_30m < 1 and spend_30m >= 300", NAMES)
VALUES = {"spend_30m": 620.0, "orders_30m": 0, "target_cpa": 300.0, "roi_30m": 0.0}
VALUES |= {"impressions_30m": 8_000, "clicks_30m": 90}
#: Clear on every guardrail: no learning, no limits hit.
OPEN = Guardrails(learning_minutes=0, cooldown_s=1800, max_actions_per_day=3)


def facts(**overrides: Any) -> Facts:
    given: dict[str, Any] = {
        "key": "r@v1|campaign:8812|2024-11-11T12:00Z",
        "values": VALUES,
        "history": History(),
        "age_s": 3 * 3600.0,
        "conversions": 40,
        "match_score": 60.0,
        "kill_switch": False,
        "day_start": MIDNIGHT,
        "now": NOW,
    }
    return Facts(**(given | overrides))


def past(*seconds_ago: float) -> History:
    history = History()
    for i, ago in enumerate(seconds_ago):
        history = history.record(NOW - ago, f"r@v1|campaign:8812|past-{i}")
    return history


@pytest.mark.parametrize(
    ("case", "rails", "overrides", "reason", "values"),
    [
        ("all clear", OPEN, {}, None, None),
        ("kill switch", OPEN, {"kill_switch": True}, "kill_switch", {"kill_switch": True}),
        (
            "younger than the learning minutes",
            OPEN.model_copy(update={"learning_minutes": 240}),
            {},
            "learning",
            {"age_min": 180.0, "learning_minutes": 240},
        ),
        (
            "fewer conversions than learning needs",
            OPEN.model_copy(update={"learning_conversions": 50}),
            {},
            "learning",
            {"conversions": 40, "learning_conversions": 50},
        ),
        (
            "spend below the minimum in the evidence window",
            OPEN.model_copy(update={"min_spend": 1000}),
            {},
            "min_data",
            {"spend_30m": 620.0, "min_spend": 1000},
        ),
        (
            "impressions below the minimum",
            OPEN.model_copy(update={"min_impressions": 10_000}),
            {},
            "min_data",
            {"impressions_30m": 8_000, "min_impressions": 10_000},
        ),
        (
            "clicks below the minimum",
            OPEN.model_copy(update={"min_clicks": 100}),
            {},
            "min_data",
            {"clicks_30m": 90, "min_clicks": 100},
        ),
        (
            "no data at all is below any minimum",
            OPEN.model_copy(update={"min_clicks": 1}),
            {"values": {k: v for k, v in VALUES.items() if k != "clicks_30m"}},
            "min_data",
            {"clicks_30m": None, "min_clicks": 1},
        ),
        (
            "acted 10 minutes ago",
            OPEN,
            {"history": past(600)},
            "cooldown",
            {"last_action_s_ago": 600.0, "cooldown_s": 1800},
        ),
        (
            "three actions today",
            OPEN.model_copy(update={"cooldown_s": 0}),
            {"history": past(3600, 7200, 10_800)},
            "daily_limit",
            {"actions_today": 3, "max_actions_per_day": 3},
        ),
    ],
)
def test_each_guardrail_blocks_with_its_values(
    case: str,
    rails: Guardrails,
    overrides: dict[str, Any],
    reason: str | None,
    values: dict[str, Any] | None,
) -> None:
    skip = check(rails, FAST_STOP, "pause", facts(**overrides))

    if reason is None:
        assert skip is None, case
    else:
        assert skip is not None, case
        assert (skip.reason, skip.values) == (reason, values)


@pytest.mark.parametrize(
    ("case", "seconds_ago", "limit", "blocked"),
    [
        ("cool-down just over", (1800,), 3, False),
        ("cool-down not over by a second", (1799,), 3, True),
        ("yesterday's actions do not count today", (NOW - MIDNIGHT + 1,), 1, False),
        ("an action at local midnight counts today", (NOW - MIDNIGHT,), 1, True),
    ],
)
def test_cooldown_and_daily_limit_edges(
    case: str, seconds_ago: tuple[float, ...], limit: int, blocked: bool
) -> None:
    rails = OPEN.model_copy(update={"max_actions_per_day": limit})

    assert (check(rails, FAST_STOP, "pause", facts(history=past(*seconds_ago))) is not None) is (
        blocked
    ), case


def test_the_decision_being_decided_again_does_not_cool_itself_down() -> None:
    key = facts().key
    history = History().record(NOW - 5, key)

    assert check(OPEN, FAST_STOP, "pause", facts(history=history)) is None
    assert check(OPEN, FAST_STOP, "pause", facts(history=history, key="other")) is not None


@pytest.mark.parametrize(
    ("case", "action", "score", "guard", "blocked"),
    [
        ("match 80 guards a pause on ROI alone", "pause", 80.0, 75, True),
        ("exactly at the guard", "pause", 75.0, 75, True),
        ("below the guard", "pause", 74.9, 75, False),
        ("unknown match score is not protected", "pause", None, 75, False),
        ("guard switched off", "pause", 95.0, None, False),
        ("the guard holds back only fast-stops", "scale", 95.0, 75, False),
    ],
)
def test_match_score_guard(
    case: str, action: ActionType, score: float | None, guard: float | None, blocked: bool
) -> None:
    rails = OPEN.model_copy(update={"match_score_guard": guard})

    skip = check(rails, LOW_ROI, action, facts(match_score=score))

    assert (skip is not None and skip.reason == "match_guard") is blocked, case


def test_match_guard_records_the_score_and_the_roi() -> None:
    skip = check(OPEN, LOW_ROI, "pause", facts(match_score=82.0))

    assert skip is not None
    assert skip.values == {"match_score": 82.0, "match_score_guard": 75, "roi_30m": 0.0}


@pytest.mark.parametrize(
    ("case", "condition", "values", "alone"),
    [
        ("reads no ROI", "spend_30m >= 600", {"spend_30m": 700}, False),
        ("ROI and a minimum of spend", "roi_30m < 1 and spend_30m >= 300", VALUES, True),
        (
            "ROI or no orders, orders there",
            "roi_30m < 1 or orders_30m == 0",
            {"roi_30m": 0.5, "orders_30m": 2},
            True,
        ),
        (
            "ROI or no orders, no orders",
            "roi_30m < 1 or orders_30m == 0",
            {"roi_30m": 0.5, "orders_30m": 0},
            False,
        ),
        (
            "ROI against the target",
            "roi_60m < 0.5 * target_roi",
            {"roi_60m": 0.2, "target_roi": 2.0},
            True,
        ),
        ("negated ROI", "not (roi_15m >= 1)", {"roi_15m": 0.4}, True),
        (
            "ROI of two windows",
            "roi_15m < 1 and roi_60m < 1",
            {"roi_15m": 0.1, "roi_60m": 0.1},
            True,
        ),
        (
            "ROI written by hand is not recognised",
            "gmv_30m / spend_30m < 1",
            {"gmv_30m": 1, "spend_30m": 9},
            False,
        ),
    ],
)
def test_roi_alone_means_the_condition_fails_without_roi(
    case: str, condition: str, values: dict[str, float], alone: bool
) -> None:
    assert roi_alone(compile_condition(condition, NAMES), values) is alone, case


@pytest.mark.parametrize(
    ("names", "window"),
    [
        (("spend_30m", "orders_30m", "target_cpa"), "30m"),
        (("roi_15m", "orders_5m"), "15m"),
        (("ctr_60m", "impressions_1m"), "60m"),
        (("spend_today", "spend_60m"), "today"),
        (("target_cpa", "match_score"), "today"),
    ],
)
def test_evidence_window_is_the_longest_the_condition_reads(
    names: tuple[str, ...], window: str
) -> None:
    assert evidence_window(names) == window


def test_blocking_lists_every_guardrail_in_order_and_check_names_the_first() -> None:
    rails = Guardrails(min_spend=1000, learning_minutes=600, cooldown_s=1800)
    f = facts(kill_switch=True, history=past(60))

    assert [s.reason for s in blocking(rails, LOW_ROI, "pause", f)] == [
        "kill_switch",
        "learning",
        "min_data",
        "cooldown",
    ]
    skip = check(rails, LOW_ROI, "pause", f)
    assert skip is not None
    assert skip.reason == "kill_switch"


def test_state_records_what_was_looked_at() -> None:
    f = facts(history=past(600, 3600))

    recorded = state(f, blocking(OPEN, FAST_STOP, "pause", f))

    assert recorded == {
        "clear": False,
        "blocked_by": ["cooldown"],
        "checks": {"cooldown": {"last_action_s_ago": 600.0, "cooldown_s": 1800}},
        "kill_switch": False,
        "age_min": 180.0,
        "conversions": 40,
        "match_score": 60.0,
        "actions_today": 2,
        "last_action_s_ago": 600.0,
    }


def test_history_keeps_each_key_once_and_a_bounded_number_of_entries() -> None:
    history = History().record(10.0, "a").record(10.0, "a").record(5.0, "b")

    assert history.entries == ((5.0, "b"), (10.0, "a"))
    for i in range(KEPT + 20):
        history = history.record(100.0 + i, f"k{i}")
    assert len(history.entries) == KEPT
    assert history.last() == 100.0 + KEPT + 19
