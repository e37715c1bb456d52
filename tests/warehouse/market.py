"""A small market for the report tests: two shops, their campaigns, viewers of several
segments, clicks, orders, payments, refunds, verdicts and labels, all over two hours
from ``T0``. The tests compute what they expect from these lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.warehouse.writes import write
from warroom.schemas.decisions import RuleHitRecord, Verdict
from warroom.schemas.events import Click, Order, Payment, Refund, Viewer
from warroom.schemas.reviews import LABEL_OF, ReviewLabel
from warroom.store.warehouse import Warehouse

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
KINDS = ("impression", "impression", "impression", "play", "click")
VIEWERS = (
    Viewer(viewer_id="v0", gender="f", age_band="24-30", spending_power=3),
    Viewer(viewer_id="v1", gender="m", age_band="31-40", spending_power=4),
    Viewer(viewer_id="v2", gender="f", age_band="18-23", spending_power=2),
)
#: campaign -> (shop, creative, creator)
CAMPAIGNS = {"c1": ("s1", "cr1", "k1"), "c2": ("s2", "cr2", "k2")}
METHODS = ("alipay", "wechat", "card", "balance")


@dataclass
class Market:
    clicks: list[Click] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    labels: list[ReviewLabel] = field(default_factory=list)

    def viewer(self, viewer_id: str) -> Viewer:
        return next(v for v in VIEWERS if v.viewer_id == viewer_id)


def _click(i: int) -> Click:
    campaign = "c1" if i % 3 else "c2"
    shop, creative, creator = CAMPAIGNS[campaign]
    return Click(
        event_id=f"k{i}",
        ts=T0 + timedelta(seconds=12 * i),  # 600 clicks over two hours
        kind=KINDS[i % 5],
        shop_id=shop,
        campaign_id=campaign,
        creative_id=creative,
        creator_id=creator,
        viewer=VIEWERS[i % 3],
        cost=Decimal("0.30"),
    )


def _order(i: int) -> Order:
    campaign = "c1" if i % 4 else "c2"
    shop, creative, creator = CAMPAIGNS[campaign]
    return Order(
        event_id=f"o{i}",
        ts=T0 + timedelta(seconds=150 * i + 30),  # 48 orders over two hours
        order_id=f"ord{i}",
        user_id=VIEWERS[i % 3].viewer_id,
        ip=f"10.0.0.{i % 4}",
        shop_id=shop,
        sku="sku1" if i % 2 else "sku2",
        quantity=1 + i % 2,
        unit_price=Decimal("49.90"),
        amount=Decimal("49.90") * (1 + i % 2),
        campaign_id=campaign,
        creative_id=creative,
        creator_id=creator,
    )


def _payment(order: Order, i: int, status: str = "success") -> Payment:
    return Payment(
        event_id=f"p{i}-{status}",
        ts=order.ts + timedelta(seconds=20),
        payment_id=f"pay{i}-{status}",
        order_id=order.order_id,
        amount=order.amount,
        method=METHODS[i % 4],  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
    )


def _refund(order: Order) -> Refund:
    return Refund(
        event_id=f"r-{order.order_id}",
        ts=order.ts + timedelta(minutes=10),
        refund_id=f"ref-{order.order_id}",
        order_id=order.order_id,
        shop_id=order.shop_id,
        sku=order.sku,
        amount=order.amount,
        reason="quality",
    )


def verdict(order: Order, rule: str, outcome: str, mode: str = "enforce") -> Verdict:
    hit = RuleHitRecord(
        rule_id=rule,
        rule_version=1,
        entity=f"order:{order.order_id}",
        score=60,
        observed={},
        thresholds={},
        explanation="test",
    )
    return Verdict(
        key=f"{order.order_id}|{rule}@1",
        order_id=order.order_id,
        shop_id=order.shop_id,
        outcome=outcome,  # type: ignore[arg-type]
        score=60,
        mode=mode,  # type: ignore[arg-type]
        hits=[hit],
        entities=[f"order:{order.order_id}"],
        event_ts=order.ts,
        decided_at=order.ts + timedelta(milliseconds=300),
    )


def label(order: Order, action: str) -> ReviewLabel:
    return ReviewLabel(
        key=f"review|{order.order_id}",
        order_id=order.order_id,
        shop_id=order.shop_id,
        action=action,  # type: ignore[arg-type]
        label=LABEL_OF[action],
        outcome="hold",
        score=60,
        rules=["risk.same_ip_burst"],
        verdict_key=f"{order.order_id}|risk.same_ip_burst@1",
        decided_by="reviewer",
        decided_at=order.ts + timedelta(minutes=5),
        note="",
        entities=[f"order:{order.order_id}"],
    )


def build() -> Market:
    m = Market(clicks=[_click(i) for i in range(600)], orders=[_order(i) for i in range(48)])
    m.payments = [_payment(o, i) for i, o in enumerate(m.orders)]
    m.payments.append(_payment(m.orders[0], 0, "failed"))  # no money moved: no fee
    m.refunds = [_refund(o) for o in m.orders[:12:3]]
    bursts = [o for o in m.orders if o.ip == "10.0.0.1"]  # 12 orders
    m.verdicts = [verdict(o, "risk.same_ip_burst", "hold") for o in bursts[:8]]
    m.verdicts += [verdict(o, "risk.same_ip_burst", "decline") for o in bursts[8:10]]
    m.verdicts += [verdict(o, "risk.price_deviation", "review", "shadow") for o in bursts[10:]]
    m.labels = [label(o, "confirm_fraud") for o in bursts[:3]] + [label(bursts[3], "release")]
    return m


async def write_market(warehouse: Warehouse, m: Market) -> None:
    for table, records in (
        ("clicks", m.clicks),
        ("orders", m.orders),
        ("payments", m.payments),
        ("refunds", m.refunds),
        ("verdicts", m.verdicts),
        ("labels", m.labels),
    ):
        await write(warehouse, table, records)  # type: ignore[arg-type]
