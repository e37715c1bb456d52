"""What the A/B test agent keeps, by campaign (the creative-live topic's key): each
creative's minute counters since it was first seen, and each test's start, running
evidence (largest log Λ per variant) and whether it was decided."""

from __future__ import annotations

from dataclasses import dataclass, field

from warroom.rules.abtest.creative_test import Counts
from warroom.schemas.internal import CampaignMinute, CreativeLive

MONEY_UNIT = 10_000  # live counters hold money in 0.0001 CNY


@dataclass
class TestState:
    started: float
    best: dict[str, float] = field(default_factory=dict)
    decided: bool = False


@dataclass
class CampaignTests:
    minutes: dict[str, dict[int, CampaignMinute]] = field(default_factory=dict)
    tests: dict[tuple[str, int], TestState] = field(default_factory=dict)

    def add(self, snap: CreativeLive) -> None:
        """A snapshot's minutes replace what was known of them (the latest wins)."""
        known = self.minutes.setdefault(snap.creative_id, {})
        for m in snap.minutes:
            known[m.minute] = m


def totals(minutes: dict[int, CampaignMinute], since: float) -> Counts:
    """A creative's totals over the minutes starting at or after ``since``."""
    rows = [m for start, m in minutes.items() if start * 60 >= since - 60]
    return Counts(
        impressions=sum(m.impressions for m in rows),
        clicks=sum(m.clicks for m in rows),
        orders=sum(m.orders for m in rows),
        spend=sum(m.spend for m in rows) / MONEY_UNIT,
        gmv=sum(m.gmv for m in rows) / MONEY_UNIT,
    )
