"""The creator trust score: the playbook's weights, tunable, explained per component;
a component without data is reported missing and its weight spread over the rest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.models.trust import COMPONENTS, TrustParams, trust_score

FULL = {
    "interaction": 0.10,
    "returns": 0.0,
    "repurchase_48h": 0.20,
    "same_city": 0.50,
    "fan_penetration": 0.30,
}


def test_the_playbook_weights_are_the_defaults() -> None:
    p = TrustParams()
    assert [p.weight(c) for c in COMPONENTS] == [0.30, 0.25, 0.20, 0.15, 0.10]


def test_every_component_at_its_target_scores_100_and_each_shows_its_points() -> None:
    s = trust_score(FULL, TrustParams())
    assert s.score == 100.0 and s.coverage == 1.0
    assert {c: p.points for c, p in s.components.items()} == {
        "interaction": 30.0,
        "returns": 25.0,
        "repurchase_48h": 20.0,
        "same_city": 15.0,
        "fan_penetration": 10.0,
    }


def test_a_high_return_rate_costs_its_quarter() -> None:
    s = trust_score({**FULL, "returns": 0.30}, TrustParams())
    assert s.score == 75.0 and s.components["returns"].points == 0.0


def test_a_missing_component_says_why_and_does_not_count_as_zero() -> None:
    rates = {k: v for k, v in FULL.items() if k != "returns"}
    s = trust_score(rates, TrustParams(), {"returns": "no refund events yet"})
    assert s.score == 100.0 and s.coverage == 0.75
    assert s.components["returns"].missing == "no refund events yet"


def test_weights_are_parameters() -> None:
    only_city = TrustParams(
        w_interaction=0, w_returns=0, w_repurchase_48h=0, w_same_city=1, w_fan_penetration=0
    )
    assert trust_score({**FULL, "same_city": 0.25}, only_city).score == 50.0
    with pytest.raises(ValidationError):
        TrustParams(
            w_interaction=0, w_returns=0, w_repurchase_48h=0, w_same_city=0, w_fan_penetration=0
        )
    with pytest.raises(ValidationError):
        TrustParams(w_interaction=1.5)


def test_no_data_at_all_gives_no_score() -> None:
    assert trust_score({}, TrustParams()).score is None


@given(
    st.sampled_from(["interaction", "repurchase_48h", "same_city", "fan_penetration"]),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_a_better_rate_never_lowers_the_score(component: str, a: float, b: float) -> None:
    low, high = sorted((a, b))
    s_low = trust_score({**FULL, component: low}, TrustParams()).score
    s_high = trust_score({**FULL, component: high}, TrustParams()).score
    assert s_low is not None and s_high is not None and s_high >= s_low
