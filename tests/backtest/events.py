"""Builders of the events, verdicts and labels a backtest's history holds, and a plan of
a draft beside a live version (no SQL store needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from warroom.backtest.plan import Plan, Version
from warroom.rules.registry import rule_kind
from warroom.schemas.decisions import RuleHitRecord, Verdict
from warroom.schemas.events import Order, Payment, Refund
from warroom.schemas.reviews import LABEL_OF, ReviewLabel

DAY0 = datetime(2025, 3, 10, tzinfo=UTC)  # the day replayed: [DAY0, DAY0 + 1 day)
DAY = timedelta(days=1)
PRICE = Decimal("49.90")


def at(seconds: float) -> datetime:
    return DAY0 + timedelta(seconds=seconds)


def order(oid: str, t: float, shop: str = "s1", sku: str = "a1", user: str = "u0") -> Order:
    return Order(
        event_id=f"e-{oid}",
        ts=at(t),
        order_id=oid,
        user_id=user,
        ip="10.0.0.1",
        shop_id=shop,
        sku=sku,
        quantity=1,
        unit_price=PRICE,
        amount=PRICE,
    )


def payment(
    oid: str,
    t: float,
    status: str = "success",
    amount: Decimal = PRICE,
    card: str | None = None,
    pid: str | None = None,
    eid: str | None = None,
) -> Payment:
    return Payment(
        event_id=eid or f"e-pay-{oid}-{status}",
        ts=at(t),
        payment_id=pid or f"pay-{oid}",
        order_id=oid,
        amount=amount,
        method="card",
        status=status,
        card_hash=card,
    )


def refund(o: Order, t: float) -> Refund:
    return Refund(
        event_id=f"e-ref-{o.order_id}",
        ts=at(t),
        refund_id=f"ref-{o.order_id}",
        order_id=o.order_id,
        shop_id=o.shop_id,
        sku=o.sku,
        amount=o.amount,
        reason="quality",
    )


def label(oid: str, fraud: bool, t: float, shop: str = "s1") -> ReviewLabel:
    action = "confirm_fraud" if fraud else "release"
    return ReviewLabel(
        key=f"review|{oid}",
        order_id=oid,
        shop_id=shop,
        action=action,
        label=LABEL_OF[action],
        outcome="hold",
        score=60,
        rules=[],
        verdict_key="",
        decided_by="analyst",
        decided_at=at(t + 600),
        note="",
        entities=[f"order:{oid}"],
    )


def verdict(oid: str, t: float, score: float, rules: list[str], mode: str = "enforce") -> Verdict:
    hits = [
        RuleHitRecord(
            rule_id=r,
            rule_version=1,
            entity=f"order:{oid}",
            score=score / len(rules),
            observed={},
            thresholds={},
            explanation=r,
        )
        for r in rules
    ]
    return Verdict(
        key=f"{oid}|{','.join(rules)}",
        order_id=oid,
        shop_id="s1",
        outcome="review",
        score=score,
        mode=mode,
        hits=hits,
        entities=[f"order:{oid}"],
        event_ts=at(t),
        decided_at=at(t + 1),
    )


def version(kind: str, body: dict[str, Any], label: str) -> Version:
    canonical = rule_kind(kind).validate(body)
    mode, params = rule_kind(kind).parse(canonical)
    return Version(label, None if label == "draft" else 1, canonical, mode, params)


def plan(kind: str, draft: dict[str, Any], live: dict[str, Any], shop: str | None = None) -> Plan:
    """The rule ``t.<kind>``: ``draft`` (params) beside ``live`` (params), both enforced."""
    family = rule_kind(kind).family
    return Plan(
        f"t.{kind}",
        kind,
        family,
        rule_kind(kind).scope,
        shop,
        version(kind, {"mode": "enforce", "params": draft}, "draft"),
        version(kind, {"mode": "enforce", "params": live}, "live"),
    )
