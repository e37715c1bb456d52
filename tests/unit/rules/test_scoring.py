"""Scores add up to a total; thresholds map the total to approve / review / hold / decline."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.base import Hit
from warroom.rules.risk.scoring import Thresholds, outcome, total_score

SEVERITY = ["approve", "review", "hold", "decline"]


def hit(score: float, rule_id: str = "risk.same_ip_burst") -> Hit:
    return Hit(rule_id, "ip:203.0.113.45", score, {}, {}, "test hit")


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"review": 20, "hold": 50, "decline": 80},
        {"review": 50, "hold": 50, "decline": 50},
        {"review": 0, "hold": 0, "decline": 100},
    ],
)
def test_ordered_thresholds_are_accepted(values: dict[str, float]) -> None:
    t = Thresholds(**values)
    assert t.review <= t.hold <= t.decline


@pytest.mark.parametrize(
    "values",
    [
        {"review": 70, "hold": 60, "decline": 90},
        {"review": 30, "hold": 95, "decline": 90},
        {"review": 95},
        {"decline": 20},
        {"decline": 101},
        {"review": -1},
        {"block": 99},
    ],
)
def test_unordered_or_out_of_range_thresholds_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        Thresholds(**values)


def test_published_thresholds_cannot_be_edited_in_place() -> None:
    t = Thresholds()
    with pytest.raises(ValidationError):
        t.hold = 10  # type: ignore[misc]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, "approve"),
        (29.99, "approve"),
        (30, "review"),
        (59.99, "review"),
        (60, "hold"),
        (89.99, "hold"),
        (90, "decline"),
        (100, "decline"),
    ],
)
def test_default_thresholds_map_scores_to_outcomes(score: float, expected: str) -> None:
    assert outcome(score, Thresholds()) == expected


@pytest.mark.parametrize(
    ("score", "expected"), [(49.9, "approve"), (50, "decline"), (100, "decline")]
)
def test_equal_thresholds_jump_straight_to_decline(score: float, expected: str) -> None:
    assert outcome(score, Thresholds(review=50, hold=50, decline=50)) == expected


@pytest.mark.parametrize(
    ("scores", "total"),
    [([], 0), ([60], 60), ([20, 15.5], 35.5), ([60, 60], 100), ([100, 100, 100], 100)],
)
def test_total_score_adds_up_and_caps_at_100(scores: list[float], total: float) -> None:
    assert total_score([hit(s) for s in scores]) == total


@given(st.floats(0, 100), st.floats(0, 100))
def test_a_higher_score_is_never_a_milder_outcome(a: float, b: float) -> None:
    low, high = sorted((a, b))
    t = Thresholds()
    assert SEVERITY.index(outcome(low, t)) <= SEVERITY.index(outcome(high, t))
