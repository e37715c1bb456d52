"""Small, deterministic events and decisions for the warehouse tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from warroom.schemas.budget import BudgetDecision, Change
from warroom.schemas.decisions import RuleHitRecord, Verdict
from warroom.schemas.events import Click, Order, Payment, Refund, Viewer
from warroom.schemas.reviews import LABEL_OF, ReviewLabel

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
KINDS = ("impression", "impression", "play", "click")


def clicks(n: int, shop: str = "s1", campaign: str = "c1", start: int = 0) -> list[Click]:
    """``n`` clicks, one per second from T0: impressions, plays and clicks costing ¥0.25."""
    return [
        Click(
            event_id=f"k{start + i}",
            ts=T0 + timedelta(seconds=start + i),
            kind=KINDS[i % 4],
            shop_id=shop,
            campaign_id=campaign,
            creative_id="cr1",
            viewer=Viewer(viewer_id=f"v{i % 7}", gender="f", age_band="24-30", spending_power=3),
            cost=Decimal("0.25"),
            watch_time_s=12.5 if i % 4 == 2 else None,
        )
        for i in range(n)
    ]


def orders(n: int, shop: str = "s1", campaign: str | None = "c1", start: int = 0) -> list[Order]:
    """``n`` orders, one per second from T0, of 1-3 units of sku1 at ¥99.90."""
    return [
        Order(
            event_id=f"o{start + i}",
            ts=T0 + timedelta(seconds=start + i),
            order_id=f"ord{start + i}",
            user_id=f"u{i % 5}",
            ip="10.0.0.1",
            shop_id=shop,
            sku="sku1",
            quantity=1 + i % 3,
            unit_price=Decimal("99.90"),
            amount=Decimal("99.90") * (1 + i % 3),
            campaign_id=campaign,
            channel="live",
        )
        for i in range(n)
    ]


def payment(i: int) -> Payment:
    return Payment(
        event_id=f"p{i}",
        ts=T0 + timedelta(seconds=i),
        payment_id=f"pay{i}",
        order_id=f"ord{i}",
        amount=Decimal("99.90"),
        method="alipay",
        status="success",
    )


def refund(i: int, amount: str = "99.90", reason: str = "quality") -> Refund:
    """A refund of order ``ord{i}`` (shop s1, sku1), an hour after T0."""
    return Refund(
        event_id=f"r{i}",
        ts=T0 + timedelta(hours=1, seconds=i),
        refund_id=f"ref{i}",
        order_id=f"ord{i}",
        shop_id="s1",
        sku="sku1",
        amount=Decimal(amount),
        user_id=f"u{i % 5}",
        reason=reason,  # type: ignore[arg-type]
    )


def verdict(i: int) -> Verdict:
    hit = RuleHitRecord(
        rule_id="risk.same_ip_burst",
        rule_version=1,
        entity="ip:10.0.0.1",
        score=60,
        observed={"orders": 6},
        thresholds={"max_orders": 5},
        explanation="6 orders from 10.0.0.1 in 60 s",
    )
    return Verdict(
        key=f"ord{i}|risk.same_ip_burst@1",
        order_id=f"ord{i}",
        shop_id="s1",
        outcome="hold",
        score=60,
        mode="enforce",
        hits=[hit],
        entities=[f"order:ord{i}", "shop:s1"],
        event_ts=T0 + timedelta(seconds=i),
        decided_at=T0 + timedelta(seconds=i, milliseconds=300),
    )


def decision(i: int) -> BudgetDecision:
    return BudgetDecision(
        key=f"budget.fast_stop@v1|campaign:c{i}|2025-03-01T10:{i % 60:02d}",
        rule_id="budget.fast_stop",
        rule_version=1,
        entity_kind="campaign",
        entity_id=f"c{i}",
        shop_id="s1",
        campaign_id=f"c{i}",
        mode="shadow",
        action="pause",
        changes={"status": Change(before="active", after="paused")},
        observed={"spend_30m": 620.0, "orders_30m": 0},
        thresholds={"condition": "spend_30m >= 2 * target_cpa and orders_30m == 0"},
        guardrails={"clear": True},
        result="proposed",
        entities=[f"campaign:c{i}", "shop:s1"],
        window_end=T0 + timedelta(minutes=i),
        decided_at=T0 + timedelta(minutes=i, seconds=1),
    )


def label(i: int, action: str = "confirm_fraud", minutes: int = 5) -> ReviewLabel:
    """A reviewer's decision on order ``ord{i}``, ``minutes`` after T0."""
    return ReviewLabel(
        key=f"review|ord{i}",
        order_id=f"ord{i}",
        shop_id="s1",
        action=action,  # type: ignore[arg-type]
        label=LABEL_OF[action],
        outcome="hold",
        score=60,
        rules=["risk.same_ip_burst"],
        verdict_key=f"ord{i}|risk.same_ip_burst@1",
        decided_by="reviewer@s1",
        decided_at=T0 + timedelta(minutes=minutes),
        note="",
        entities=[f"order:ord{i}", "shop:s1"],
    )
