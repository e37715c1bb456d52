"""Assemble an order's verdict from the rule hits: score, outcome, explanation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from warroom.rules.base import Hit
from warroom.rules.risk.scoring import Thresholds, outcome, total_score
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.decisions import RuleHitRecord, Verdict
from warroom.schemas.events import Order


def verdict_for(
    order: Order, hits: Sequence[tuple[Hit, RuleVersion]], thresholds: RuleVersion, now: datetime
) -> Verdict | None:
    """The verdict on ``order``, or None when no rule fired.

    Hits of rules in shadow mode are reported but never raise the enforced outcome:
    the verdict is in shadow mode when every hit is.
    """
    if not hits:
        return None
    enforced = [hit for hit, rule in hits if rule.mode == "enforce"]
    counted = enforced or [hit for hit, _ in hits]
    score = total_score(counted)
    records = [
        RuleHitRecord(
            rule_id=hit.rule_id,
            rule_version=rule.version,
            entity=hit.entity,
            score=hit.score,
            observed=dict(hit.observed),
            thresholds=dict(hit.thresholds),
            explanation=hit.explanation,
            evidence=list(hit.evidence),
        )
        for hit, rule in hits
    ]
    entities = [
        f"order:{order.order_id}",
        f"shop:{order.shop_id}",
        f"user:{order.user_id}",
        f"ip:{order.ip}",
    ] + ([f"campaign:{order.campaign_id}"] if order.campaign_id else [])
    versions = ",".join(f"{rule.rule_id}@{rule.version}" for _, rule in hits)
    return Verdict(
        key=f"{order.order_id}|{versions}",
        order_id=order.order_id,
        shop_id=order.shop_id,
        outcome=outcome(score, cast(Thresholds, thresholds.params)),
        score=score,
        mode="enforce" if enforced else "shadow",
        hits=records,
        entities=entities,
        event_ts=order.ts,
        decided_at=now,
    )
