"""The decision that issues a tagged product's coupon through the actuator (action
``coupon`` on the campaign selling the product; the tag and the coupon go to the ad
platform, the decision log records them). Pure."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.rules.base import Hit
from warroom.rules.budget.engine import window_end
from warroom.rules.radar.hot_product import RULE_ID, Params
from warroom.schemas.budget import BudgetDecision, Change

DAY_S = 86_400


def coupon_key(version: int, product_id: str, now: float) -> str:
    """One coupon per product per rule version and UTC day."""
    day = datetime.fromtimestamp(now // DAY_S * DAY_S, UTC)
    return f"{RULE_ID}@v{version}|product:{product_id}|{day:%Y-%m-%d}"


def coupon_decision(
    hit: Hit,
    product_id: str,
    campaign: tuple[str, str],
    rule: tuple[int, str, Params],
    now: float,
) -> BudgetDecision | None:
    """The coupon for ``product_id`` on ``campaign`` (id, shop id); None when the rule is
    off. In shadow mode it is recorded as ``skipped: shadow`` and never applied."""
    version, mode, params = rule
    if mode == "off":
        return None
    shadow = mode == "shadow"
    campaign_id, shop_id = campaign
    return BudgetDecision(
        key=coupon_key(version, product_id, now),
        rule_id=RULE_ID,
        rule_version=version,
        entity_kind="campaign",
        entity_id=campaign_id,
        shop_id=shop_id,
        campaign_id=campaign_id,
        mode="shadow" if shadow else "enforce",
        action="coupon",
        changes={
            "tag": Change(before=None, after=params.tag),
            "coupon_pct": Change(before=None, after=f"{params.coupon_pct:g}"),
            "product_id": Change(before=None, after=product_id),
        },
        observed={k: v for k, v in hit.observed.items() if isinstance(v, int | float)},
        thresholds=dict(hit.thresholds),
        guardrails={"clear": True, "blocked_by": [], "explanation": hit.explanation},
        result="skipped" if shadow else "proposed",
        reason="shadow" if shadow else None,
        entities=[f"campaign:{campaign_id}", f"product:{product_id}", f"shop:{shop_id}"],
        window_end=datetime.fromtimestamp(window_end(now), UTC),
        decided_at=datetime.fromtimestamp(now, UTC),
    )
