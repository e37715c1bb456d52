"""The names the condition tests know: the live metrics of the brief, a few entity
fields, and two true/false fields."""

from __future__ import annotations

import pytest

from warroom.rules.condition import Kind

METRICS = ("spend", "impressions", "clicks", "orders", "gmv", "ctr", "cvr", "cpa", "roi", "gpm")
METRICS += ("plays", "completion_rate")
WINDOWS = ("1m", "5m", "15m", "30m", "60m", "today")
FIELDS = ("target_cpa", "target_roi", "daily_budget", "budget_cap", "bid", "match_score")


@pytest.fixture(scope="session")
def known() -> dict[str, Kind]:
    names = [f"{m}_{w}" for m in METRICS for w in WINDOWS] + list(FIELDS)
    flags = {"learning_phase": Kind.BOOLEAN, "paused": Kind.BOOLEAN}
    return dict.fromkeys(names, Kind.NUMBER) | flags
