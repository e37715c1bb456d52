"""Budget decisions as the engine emits them, for the actuator's tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from warroom.schemas.budget import BudgetDecision, Change


def proposed(
    action: str,
    kind: str,
    entity_id: str,
    changes: dict[str, Change],
    shop_id: str,
    campaign_id: str | None = None,
    mode: str = "enforce",
    rule: str = "budget.test",
) -> BudgetDecision:
    now = time.time()
    minute = datetime.fromtimestamp(now // 60 * 60, UTC)
    return BudgetDecision(
        key=f"{rule}@v1|{kind}:{entity_id}|{minute:%Y-%m-%dT%H:%MZ}|{action}",
        rule_id=rule,
        rule_version=1,
        entity_kind=kind,  # type: ignore[arg-type]
        entity_id=entity_id,
        shop_id=shop_id,
        campaign_id=campaign_id or entity_id,
        mode=mode,  # type: ignore[arg-type]
        action=action,  # type: ignore[arg-type]
        changes=changes,
        observed={"spend_30m": 620.0, "orders_30m": 0},
        thresholds={"condition": "spend_30m >= 2 * target_cpa and orders_30m == 0"},
        guardrails={"clear": True, "blocked_by": []},
        result="proposed",
        entities=[f"{kind}:{entity_id}", f"shop:{shop_id}"],
        window_end=minute,
        decided_at=datetime.fromtimestamp(now, UTC),
    )


def pause(
    kind: str, entity_id: str, shop_id: str, campaign_id: str | None = None
) -> BudgetDecision:
    change = {"status": Change(before="active", after="paused")}
    return proposed("pause", kind, entity_id, change, shop_id, campaign_id)


def scale(campaign_id: str, shop_id: str, before: str, after: str) -> BudgetDecision:
    change = {"daily_budget": Change(before=before, after=after)}
    return proposed("scale", "campaign", campaign_id, change, shop_id)


def copy(creative_id: str, campaign_id: str, shop_id: str, new_id: str) -> BudgetDecision:
    changes = {
        "copy_id": Change(before=None, after=new_id),
        "copy_daily_budget": Change(before=None, after="500.00"),
    }
    return proposed("copy", "creative", creative_id, changes, shop_id, campaign_id)
