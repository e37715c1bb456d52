"""Assemble a verdict on an order from rule hits on it or on its payments: score, outcome,
explanation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, cast

from warroom.rules.base import Hit
from warroom.rules.risk.scoring import Outcome, Thresholds, outcome, total_score
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.decisions import RuleHitRecord, Verdict
from warroom.schemas.events import Order, Payment
from warroom.schemas.internal import OrderSeen, ShopSale

#: The shop of a verdict on a payment whose order warroom has not seen.
UNKNOWN_SHOP = "unknown"


def _records(hits: Sequence[tuple[Hit, RuleVersion]]) -> list[RuleHitRecord]:
    return [
        RuleHitRecord(
            rule_id=hit.rule_id,
            rule_version=rule.version,
            entity=hit.entity,
            score=hit.score,
            observed=dict(hit.observed),
            thresholds=dict(hit.thresholds),
            explanation=hit.explanation,
            evidence=list(hit.evidence),
            mode="shadow" if rule.mode == "shadow" else "enforce",
        )
        for hit, rule in hits
    ]


def _scored(
    hits: Sequence[tuple[Hit, RuleVersion]], thresholds: RuleVersion
) -> tuple[float, Outcome, Literal["enforce", "shadow"]]:
    """Score, outcome and mode: shadow hits count only when no hit is enforced."""
    enforced = [hit for hit, rule in hits if rule.mode == "enforce"]
    score = total_score(enforced or [hit for hit, _ in hits])
    return (
        score,
        outcome(score, cast(Thresholds, thresholds.params)),
        ("enforce" if enforced else "shadow"),
    )


def _versions(hits: Sequence[tuple[Hit, RuleVersion]]) -> str:
    return ",".join(dict.fromkeys(f"{rule.rule_id}@{rule.version}" for _, rule in hits))


def verdict_for(
    order: Order, hits: Sequence[tuple[Hit, RuleVersion]], thresholds: RuleVersion, now: datetime
) -> Verdict | None:
    """The verdict on ``order``, or None when no rule fired.

    Hits of rules in shadow mode are reported but never raise the enforced outcome:
    the verdict is in shadow mode when every hit is.
    """
    if not hits:
        return None
    score, result, mode = _scored(hits, thresholds)
    entities = [
        f"order:{order.order_id}",
        f"shop:{order.shop_id}",
        f"user:{order.user_id}",
        f"ip:{order.ip}",
    ] + ([f"campaign:{order.campaign_id}"] if order.campaign_id else [])
    for hit, _ in hits:  # the entities the rules fired on (device, SKU) are filterable too
        if hit.entity not in entities:
            entities.append(hit.entity)
    return Verdict(
        key=f"{order.order_id}|{_versions(hits)}",
        order_id=order.order_id,
        shop_id=order.shop_id,
        outcome=result,
        score=score,
        mode=mode,
        hits=_records(hits),
        entities=entities,
        event_ts=order.ts,
        decided_at=now,
    )


def payment_verdict_for(
    payment: Payment,
    order: OrderSeen | None,
    hits: Sequence[tuple[Hit, RuleVersion]],
    thresholds: RuleVersion,
    now: datetime,
    via: str | None = None,
) -> Verdict | None:
    """The verdict on the order ``payment`` pays, judged by the payment rules; None when
    no rule fired. ``order`` is None when the order is unknown (shop ``unknown``).

    The key names the payment (and ``via``, the entity it was judged under when one
    payment is judged on several), so a redelivered payment gives the same verdict.
    """
    if not hits:
        return None
    score, result, mode = _scored(hits, thresholds)
    entities = [f"order:{payment.order_id}", f"payment:{payment.payment_id}"]
    if order is not None:
        entities += [f"shop:{order.shop_id}", f"user:{order.user_id}"]
    if via is not None and via not in entities:
        entities.append(via)
    return Verdict(
        key="|".join(p for p in (payment.payment_id, via, _versions(hits)) if p),
        order_id=payment.order_id,
        shop_id=order.shop_id if order is not None else UNKNOWN_SHOP,
        outcome=result,
        score=score,
        mode=mode,
        hits=_records(hits),
        entities=entities,
        event_ts=payment.ts,
        decided_at=now,
    )


def refund_verdict_for(
    refund: ShopSale,
    hits: Sequence[tuple[Hit, RuleVersion]],
    thresholds: RuleVersion,
    now: datetime,
) -> Verdict | None:
    """The verdict on the refunded order when its refund tipped its shop's or SKU's refund
    rate over the rule; None when no rule fired."""
    if not hits:
        return None
    score, result, mode = _scored(hits, thresholds)
    return Verdict(
        key=f"{refund.id}|{_versions(hits)}",
        order_id=refund.order_id,
        shop_id=refund.shop_id,
        outcome=result,
        score=score,
        mode=mode,
        hits=_records(hits),
        entities=[
            f"order:{refund.order_id}",
            f"refund:{refund.id}",
            f"shop:{refund.shop_id}",
            f"sku:{refund.sku}",
        ],
        event_ts=datetime.fromtimestamp(refund.ts, UTC),
        decided_at=now,
    )
