"""The pause decisions that stop a selling-out SKU's campaigns (no overselling from ads).

They are ordinary budget decisions (action ``pause``), so the actuator applies, skips
(kill switch, stale, gone) and reverts them like the 三快 rules' own. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from warroom.rules.budget.engine import window_end
from warroom.rules.flash.stock_guard import RULE_ID, STOPPING, Params, StockStatus
from warroom.schemas.budget import BudgetDecision, Change


@dataclass(frozen=True, slots=True)
class CampaignRef:
    """A campaign that sells the SKU, as the worker last heard of it."""

    id: str
    shop_id: str
    status: str = "active"


def stop_key(version: int, campaign_id: str, sku: str, now: float) -> str:
    minute = datetime.fromtimestamp(window_end(now), UTC)
    return f"{RULE_ID}@v{version}|campaign:{campaign_id}|sku:{sku}|{minute:%Y-%m-%dT%H:%MZ}"


def stop_decisions(
    sku: str,
    status: StockStatus,
    campaigns: Iterable[CampaignRef],
    rule: tuple[int, str, Params],
    now: float,
) -> list[BudgetDecision]:
    """A pause for each active campaign of ``sku`` when its level is stop or sold out.

    ``rule`` is (version, mode, params); in shadow mode the decisions are recorded with
    ``skipped: shadow`` and never applied; ``off`` decides nothing.
    """
    version, mode, params = rule
    if mode == "off" or status.level not in STOPPING:
        return []
    return [
        _pause(sku, status, c, version, mode, params, now)
        for c in campaigns
        if c.status == "active"
    ]


def _pause(
    sku: str,
    status: StockStatus,
    campaign: CampaignRef,
    version: int,
    mode: str,
    params: Params,
    now: float,
) -> BudgetDecision:
    shadow = mode == "shadow"
    return BudgetDecision(
        key=stop_key(version, campaign.id, sku, now),
        rule_id=RULE_ID,
        rule_version=version,
        entity_kind="campaign",
        entity_id=campaign.id,
        shop_id=campaign.shop_id,
        campaign_id=campaign.id,
        mode="shadow" if shadow else "enforce",
        action="pause",
        changes={"status": Change(before="active", after="paused")},
        observed={
            "remaining": status.remaining,
            "pace_per_s": round(status.pace_per_s, 4),
            "seconds_left": None if status.seconds_left is None else round(status.seconds_left, 1),
        },
        thresholds={"sku": sku, "level": status.level, **params.model_dump(mode="json")},
        guardrails={"clear": True, "blocked_by": [], "explanation": status.explanation},
        result="skipped" if shadow else "proposed",
        reason="shadow" if shadow else None,
        entities=[f"campaign:{campaign.id}", f"sku:{sku}", f"shop:{campaign.shop_id}"],
        window_end=datetime.fromtimestamp(window_end(now), UTC),
        decided_at=datetime.fromtimestamp(now, UTC),
    )
