"""What a risk backtest replays, by kind: the history it loads once for both versions
(orders, payments, sales or recorded verdicts, baselines, review labels) and the
replay of one version over it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from warroom.backtest import loaders, payment_history
from warroom.backtest.kinds import BURSTS, PAYMENT_KINDS
from warroom.backtest.night import OrderColumns, replay_night_columns
from warroom.backtest.payments import (
    MEMORY_S,
    PaymentRow,
    replay_duplicates,
    replay_failures,
    replay_mismatch,
    replay_unknown,
)
from warroom.backtest.plan import Plan, Version
from warroom.backtest.refunds import Sale, SalesColumns, replay_refunds_columns
from warroom.backtest.risk import Hits, OrderRow, replay_bursts, replay_prices
from warroom.backtest.verdicts import Scored, replay_thresholds
from warroom.rules.base import RuleParams
from warroom.rules.risk import (
    duplicate_payment,
    entity_burst,
    night_surge,
    payment_failures,
    payment_mismatch,
    price_deviation,
    refund_spike,
    unknown_order_payment,
)
from warroom.rules.risk.scoring import Thresholds
from warroom.store.warehouse.base import Warehouse
from warroom.store.warehouse.baselines import (
    HourlyHistory,
    PriceHistory,
    load_hourly,
    load_prices,
    load_refund_rates,
)
from warroom.streams.prices import DECAY

#: Payments remembered before the window: duplicate ids of the last two hours (as
#: ``watch_payments`` remembers them), failures within the rule's window.
PAYMENT_MEMORY = timedelta(seconds=MEMORY_S)


class RiskHistory:
    """What the risk rules replay, the review labels of the orders judged, and how many
    events were judged (orders, payments, refunds or scored orders)."""

    def __init__(self) -> None:
        self.orders: list[OrderRow] = []
        self.columns: OrderColumns | None = None  # night surge: the orders as columns
        self.payments: list[PaymentRow] = []
        self.sales: SalesColumns | None = None  # refund spikes: orders and refunds
        self.verdicts: list[Scored] = []
        self.prices = PriceHistory()
        self.hourly = HourlyHistory()
        self.refund_rates: dict[tuple[str, str], float] = {}
        self.labels: dict[str, str] = {}
        self.judged = 0

    def amounts(self, hits: Hits) -> dict[str, Decimal]:
        """The amount of each hit order (payments: the amount paid; refunds: refunded;
        verdicts: the order's)."""
        out = {o.order_id: o.amount for o in self.orders if o.order_id in hits}
        if self.columns is not None:
            c = self.columns
            out |= {oid: a for oid, a in zip(c.order_id, c.amount, strict=True) if oid in hits}
        out |= {p.order_id: p.amount for p in self.payments if p.order_id in hits}
        refunds = self.sales.refunds if self.sales is not None else []
        out |= {r.order_id: r.amount for r in refunds if r.order_id in hits}
        out |= {v.order_id: v.amount for v in self.verdicts if v.order_id in hits}
        return out

    def rows(self) -> dict[str, int]:
        orders = len(self.orders) + (len(self.columns) if self.columns is not None else 0)
        sales = self.sales
        return {
            "orders": orders + (int((~sales.refund).sum()) if sales is not None else 0),
            "payments": len(self.payments),
            "refunds": len(sales.refunds) if sales is not None else 0,
            "verdicts": len(self.verdicts),
            "labels": len(self.labels),
        }


def _params(plan: Plan) -> list[RuleParams]:
    return [cast(RuleParams, v.params) for v in (plan.candidate, plan.live) if v is not None]


async def _payments(
    warehouse: Warehouse, plan: Plan, since: datetime, until: datetime
) -> list[PaymentRow]:
    """The payments that could fire either version, from what the agent remembers
    before the window (duplicates: two hours; failures: the rule's window)."""
    params, kind = _params(plan), plan.kind
    before, late, bounds = PAYMENT_MEMORY, timedelta(0), {}
    if kind == "payment_failures":
        failures = [cast(payment_failures.Params, p) for p in params]
        before = timedelta(seconds=max(p.window_s for p in failures))
        bounds["least"] = min(p.max_failures for p in failures)
    if kind == "unknown_order_payment":
        graces = [cast(unknown_order_payment.Params, p).grace_s for p in params]
        late, bounds["grace"] = timedelta(seconds=max(graces)), min(graces)
    start = since - before
    return await payment_history.payments(
        warehouse, start, until, plan.shop_id, kind, late, **bounds
    )


async def load_risk(
    warehouse: Warehouse, plan: Plan, since: datetime, until: datetime
) -> RiskHistory:
    h, shop, judged = RiskHistory(), plan.shop_id, "orders"
    params = _params(plan)
    if plan.kind in BURSTS:
        window = max(cast(entity_burst.Params, p).window_s for p in params)
        least = min(cast(entity_burst.Params, p).max_orders for p in params)
        busy, needs = (BURSTS[plan.kind], least), frozenset({BURSTS[plan.kind]})
        start = since - timedelta(seconds=window)
        h.orders = await loaders.orders(warehouse, start, until, shop, busy, needs)
    elif plan.kind == "price_deviation":
        needs = frozenset({"sku", "unit_price"})
        h.orders = await loaders.orders(warehouse, since, until, shop, needs=needs)
        h.prices = await load_prices(warehouse, since, DECAY)
    elif plan.kind == "night_surge":
        h.columns = await loaders.order_columns(warehouse, since - timedelta(days=1), until, shop)
        h.hourly = await load_hourly(warehouse, since)
        h.judged = int((h.columns.ts >= since.timestamp()).sum())
    elif plan.kind in PAYMENT_KINDS:
        h.payments, judged = await _payments(warehouse, plan, since, until), "payments"
        h.judged = await payment_history.payment_count(warehouse, since, until, shop)
    elif plan.kind == "refund_spike":
        window = max(cast(refund_spike.Params, p).window_s for p in params)
        h.sales = await loaders.sales(warehouse, since - timedelta(seconds=window), until)
        h.refund_rates = await load_refund_rates(warehouse, since)
        h.judged = sum(_judged_refund(r, since, shop) for r in h.sales.refunds)
        judged = "refunds"
    else:  # thresholds
        h.verdicts, judged = await loaders.verdicts(warehouse, since, until, shop), "verdicts"
        h.judged = sum(v.mode == "enforce" for v in h.verdicts)
    h.labels = await loaders.labels(warehouse, since, until, judged)
    if plan.kind in BURSTS or plan.kind == "price_deviation":
        h.judged = await loaders.order_count(warehouse, since, until, shop)
    return h


def _judged_refund(r: Sale, since: datetime, shop: str | None) -> bool:
    return r.ts >= since.timestamp() and shop in (None, r.shop_id)


def hits_of(plan: Plan, v: Version, h: RiskHistory, since: float) -> Hits:
    """The candidate's (or live version's) hits over the history, by order id."""
    p, kind = v.params, plan.kind
    if kind in BURSTS:
        entity = BURSTS[kind].removesuffix("_id")
        return replay_bursts(entity, h.orders, cast(entity_burst.Params, p), since)
    if kind == "price_deviation":
        return replay_prices(h.orders, cast(price_deviation.Params, p), h.prices, DECAY)
    if kind == "night_surge" and h.columns is not None:
        params = cast(night_surge.Params, p)
        return replay_night_columns(h.columns, params, plan.zones, h.hourly, since)
    if kind == "payment_mismatch":
        return replay_mismatch(h.payments, cast(payment_mismatch.Params, p), since)
    if kind == "unknown_order_payment":
        return replay_unknown(h.payments, cast(unknown_order_payment.Params, p), since)
    if kind == "duplicate_payment":
        return replay_duplicates(h.payments, cast(duplicate_payment.Params, p), since)
    if kind == "payment_failures":
        return replay_failures(h.payments, cast(payment_failures.Params, p), since)
    if kind == "refund_spike":
        params_ = cast(refund_spike.Params, p)
        sales = h.sales if h.sales is not None else SalesColumns.of([])
        return replay_refunds_columns(sales, params_, h.refund_rates, since, plan.shop_id)
    return replay_thresholds(h.verdicts, cast(Thresholds, p), plan.rule_id)


def thresholds_of(plan: Plan, v: Version) -> Thresholds:
    """The thresholds mapping the version's scores: its own, for a thresholds rule."""
    return cast(Thresholds, v.params) if plan.kind == "thresholds" else plan.thresholds
