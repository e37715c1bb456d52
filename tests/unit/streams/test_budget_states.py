"""What the budget engine is told of a creative: its own status and age, its campaign's
budget, cap and targets, its shop's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from warroom.schemas.control import EntityChanged
from warroom.schemas.internal import CampaignMinute
from warroom.streams import budget_states
from warroom.streams.entities import Entities

CAMPAIGN = {
    "id": "8812",
    "shop_id": "shop-1",
    "status": "active",
    "daily_budget": "3000.0000",
    "budget_cap": "10000.0000",
    "target_cpa": "20.0000",
    "target_roi": "2.0000",
    "bid": "1.0000",
    "created_at": "2026-11-22T08:00:00",
}
CREATIVE = {
    "id": "cr-8812-0",
    "campaign_id": "8812",
    "shop_id": "shop-1",
    "status": "active",
    "created_at": "2026-11-22T09:00:00+00:00",
}


@pytest.fixture
def known(monkeypatch: pytest.MonkeyPatch) -> Entities:
    cache = Entities()
    monkeypatch.setattr(budget_states, "entities", cache)
    return cache


def tell(cache: Entities, kind: str, data: dict[str, Any]) -> None:
    cache.apply(EntityChanged(kind=kind, id=data["id"], data=data))


def test_a_creative_carries_its_campaigns_budget_and_targets(known: Entities) -> None:
    tell(known, "shop", {"id": "shop-1", "time_zone": "Europe/Berlin"})
    tell(known, "campaign", CAMPAIGN)
    tell(known, "creative", CREATIVE)
    minutes = [CampaignMinute(minute=1, orders=2), CampaignMinute(minute=2, orders=1)]

    state = budget_states.creative_state("cr-8812-0", minutes)

    assert state is not None
    assert (state.kind, state.id, state.campaign_id, state.shop_id) == (
        "creative",
        "cr-8812-0",
        "8812",
        "shop-1",
    )
    assert (state.daily_budget, state.budget_cap) == (Decimal(3000), Decimal(10_000))
    assert (state.target_cpa, state.target_roi) == (Decimal(20), Decimal(2))
    assert state.created_at == datetime(2026, 11, 22, 9, tzinfo=UTC).timestamp()  # its own
    assert (state.conversions, state.time_zone, state.status) == (3, "Europe/Berlin", "active")


def test_a_creative_of_a_paused_campaign_is_not_active(known: Entities) -> None:
    tell(known, "campaign", {**CAMPAIGN, "status": "paused"})
    tell(known, "creative", CREATIVE)

    state = budget_states.creative_state("cr-8812-0", [])

    assert state is not None and state.status == "paused"


def test_unknown_creative_or_campaign_gives_no_state(known: Entities) -> None:
    assert budget_states.creative_state("cr-8812-0", []) is None
    tell(known, "creative", CREATIVE)
    assert budget_states.creative_state("cr-8812-0", []) is None
    tell(known, "campaign", CAMPAIGN)
    assert budget_states.campaign_state("8812", []) is not None
