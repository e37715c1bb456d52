"""The live 人货匹配度 reaches the budget engine: a campaign's state carries the learners'
score, and the playbook's fast-stop on ROI is held back by the match guard at 75 or more
(and only then)."""

from __future__ import annotations

import time
from functools import partial

import pytest

from warroom.rules.budget.engine import RuleRef, decide
from warroom.rules.budget.guardrails import History
from warroom.rules.budget.metrics import metric_values
from warroom.rules.budget.playbook import PLAYBOOK
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.control import EntityChanged
from warroom.schemas.internal import CampaignMinute
from warroom.schemas.models import MatchScore
from warroom.streams import budget_states
from warroom.streams.entities import Entities
from warroom.streams.model_view import ModelView

NOW = time.time()
CAMPAIGN = {
    "id": "8812",
    "shop_id": "shop-1",
    "status": "active",
    "daily_budget": "3000",
    "budget_cap": "10000",
    "target_cpa": "20",
    "target_roi": "2",
    "bid": "1",
    "created_at": "2026-01-01T00:00:00",
}


@pytest.fixture
def view(monkeypatch: pytest.MonkeyPatch) -> ModelView:
    cache, models = Entities(), ModelView()
    cache.apply(EntityChanged(kind="campaign", id="8812", data=CAMPAIGN))
    monkeypatch.setattr(budget_states, "entities", cache)
    monkeypatch.setattr(budget_states, "model_view", models)
    return models


def scored(view: ModelView, score: float) -> None:
    view.add(
        MatchScore(
            kind="campaign",
            id="8812",
            campaign_id="8812",
            shop_id="shop-1",
            score=score,
            clicks=150,
            model="match@1",
            source="w1",
            updated_at=NOW,
        )
    )


def low_roi_decision(view: ModelView) -> tuple[str, str | None]:
    """The playbook's fast-stop on ROI, on a campaign that spent ¥60 for ¥20 of sales in
    each of the last 12 minutes (its ROI has stayed under 1 for the sustain minutes)."""
    minutes = [
        CampaignMinute(
            minute=int(NOW // 60) - ago,
            impressions=9000,
            clicks=90,
            spend=60 * 10_000,
            orders=1,
            gmv=20 * 10_000,
        )
        for ago in range(12, 0, -1)
    ]
    entity = budget_states.campaign_state("8812", minutes)
    assert entity is not None
    at = partial(metric_values, minutes, day=None, zone=entity.time_zone, fields=entity.fields())
    body = PLAYBOOK["budget.fast_stop_low_roi"].body
    rule = RuleRef.of(RuleVersion("budget.fast_stop_low_roi", 1, "enforce", body, "campaign"))
    decision = decide(rule, entity, at(NOW), History(), False, NOW, at)
    assert decision is not None
    return decision.result, decision.reason


def test_the_campaign_state_carries_the_live_match_score(view: ModelView) -> None:
    assert budget_states.campaign_state("8812", []).match_score is None  # type: ignore[union-attr]
    scored(view, 81.5)
    assert budget_states.campaign_state("8812", []).match_score == 81.5  # type: ignore[union-attr]


def test_a_well_matched_campaign_is_not_fast_stopped_on_roi_alone(view: ModelView) -> None:
    scored(view, 80.0)
    assert low_roi_decision(view) == ("skipped", "match_guard")


def test_a_poorly_matched_campaign_is_fast_stopped(view: ModelView) -> None:
    scored(view, 60.0)
    assert low_roi_decision(view) == ("proposed", None)
