"""The risk report: per shop, SKU, rule and time bucket, the orders each rule flagged,
held and declined, the reviewers' labels on them (precision = fraud / labelled), and
abnormal refunds.

Verdicts carry no SKU: it comes from the order (an order the warehouse does not hold,
e.g. a payment for an unknown order, has SKU ``''``). An order counts once per rule
and bucket, with its highest outcome; ``shadow`` counts orders only shadow hits
flagged (they were not held). Labels: the latest reviewer decision per order.

Refunds appear as rule ``risk.refund_spike`` rows: refunds and orders placed of the
shop's SKU in the bucket, against the SKU's refund rate over ``BASELINE`` before the
range, judged by the refund-spike rule's pure code with its default parameters
(``abnormal``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from warroom.rules.risk import refund_spike
from warroom.store.warehouse.base import Row
from warroom.store.warehouse.reports.filters import Filters, bucket_time

KEYS = "bucket, shop_id, sku, rule"
#: The span before ``since`` whose refund rate is a SKU's baseline.
BASELINE = timedelta(days=28)
RANK = "multiIf(outcome = 'decline', 4, outcome = 'hold', 3, outcome = 'review', 2, 1)"


def _order_facts(f: Filters) -> str:
    return f"""(
            SELECT order_id, any(sku) AS sku, any(campaign_id) AS campaign_id,
                   any(creative_id) AS creative_id, any(creator_id) AS creator_id
            FROM orders WHERE {f.where(ts=None, dims={})} GROUP BY order_id
        )"""


def _flags(f: Filters) -> str:
    """One row per (order, rule, bucket): its highest outcome, whether enforced, its label."""
    return f"""
        SELECT {f.bucket("event_ts")} AS bucket, shop_id, sku, rule, order_id,
               max({RANK}) AS rank, max(mode = 'enforce') AS enforced
        FROM (
            SELECT event_ts, shop_id, order_id, outcome, mode, rule
            FROM verdicts FINAL ARRAY JOIN rules AS rule
            WHERE {f.where(ts="event_ts", dims={})}
        ) AS v ANY LEFT JOIN {_order_facts(f)} AS o USING order_id
        WHERE {f.where(ts=None)}
        GROUP BY {KEYS}, order_id"""


def _labels(f: Filters) -> str:
    return f"""(
            SELECT order_id, argMax(toString(label), decided_at) AS label
            FROM labels WHERE {f.where(ts=None, dims={})} GROUP BY order_id
        )"""


def query(f: Filters) -> tuple[str, dict[str, Any]]:
    """Flags, holds, declines and labels per (bucket, shop, SKU, rule)."""
    sql = f"""
        SELECT {KEYS}, count() AS flagged,
               countIf(enforced AND rank = 3) AS held, countIf(enforced AND rank = 4) AS declined,
               countIf(enforced AND rank = 2) AS reviewed, countIf(NOT enforced) AS shadow,
               countIf(label = 'fraud') AS fraud, countIf(label = 'legit') AS legit
        FROM ({_flags(f)}) AS flags ANY LEFT JOIN {_labels(f)} AS l USING order_id
        GROUP BY {KEYS} ORDER BY {KEYS} LIMIT {int(f.limit)}"""
    return sql, f.params()


def _refund_rows(f: Filters, ts: str = "ts") -> str:
    return f"""
        SELECT {f.bucket(ts)} AS bucket, shop_id, sku, count() AS n, sum(amount) AS amount
        FROM refunds FINAL WHERE {f.where(ts=ts, dims={})} GROUP BY bucket, shop_id, sku"""


def refunds_query(f: Filters) -> tuple[str, dict[str, Any]]:
    """Refunds, refunded amount and orders placed per (bucket, shop, SKU), and each SKU's
    refunds and orders over the baseline span before ``since``."""
    orders = f"""
        SELECT {f.bucket()} AS bucket, shop_id, sku, count() AS orders
        FROM orders FINAL WHERE {f.where(dims={})} GROUP BY bucket, shop_id, sku"""
    base = f"""
        SELECT shop_id, sku, countIf(kind = 'refund') AS base_refunds,
               countIf(kind = 'order') AS base_orders FROM (
            SELECT shop_id, sku, 'refund' AS kind FROM refunds
            WHERE ts >= %(base_since)s AND ts < %(since)s AND {f.where(ts=None, dims={})}
            UNION ALL
            SELECT shop_id, sku, 'order' AS kind FROM orders
            WHERE ts >= %(base_since)s AND ts < %(since)s AND {f.where(ts=None, dims={})}
        ) GROUP BY shop_id, sku"""
    in_range = f"""
        SELECT bucket, shop_id, sku, n, amount, orders
        FROM ({_refund_rows(f)}) AS r ANY LEFT JOIN ({orders}) AS o USING (bucket, shop_id, sku)"""
    sql = f"""
        SELECT bucket, shop_id, sku, n, amount, orders, base_refunds, base_orders
        FROM ({in_range}) AS ro ANY LEFT JOIN ({base}) AS b USING (shop_id, sku)
        ORDER BY bucket, shop_id, sku LIMIT {int(f.limit)}"""
    return sql, {**f.params(), "base_since": f.since - BASELINE}


def _precision(fraud: int, legit: int) -> float | None:
    return round(fraud / (fraud + legit), 6) if fraud + legit else None


def _empty(bucket: Any, shop_id: str, sku: str, rule: str, f: Filters) -> dict[str, Any]:
    return {
        "bucket": bucket_time(int(bucket), f.tz),
        "shop_id": shop_id,
        "sku": sku,
        "rule": rule,
        **dict.fromkeys(("flagged", "held", "declined", "reviewed", "shadow"), 0),
        **dict.fromkeys(("labelled_fraud", "labelled_legit", "refunds", "orders"), 0),
        "precision": None,
        "refund_amount": Decimal(0),
        "refund_rate": None,
        "baseline_rate": None,
        "abnormal": False,
    }


def shape(rows: list[Row], refunds: list[Row], f: Filters) -> list[dict[str, Any]]:
    """Rule rows then refund rows, each sorted by bucket, shop, SKU."""
    out = []
    for bucket, shop, sku, rule, flagged, held, declined, reviewed, shadow, fraud, legit in rows:
        row = _empty(bucket, shop, sku, rule, f)
        counts = (flagged, held, declined, reviewed, shadow, fraud, legit)
        names = ("flagged", "held", "declined", "reviewed", "shadow")
        row.update(zip((*names, "labelled_fraud", "labelled_legit"), map(int, counts), strict=True))
        row["precision"] = _precision(int(fraud), int(legit))
        out.append(row)
    return out + [_refund_row(r, f) for r in refunds]


def _refund_row(r: Row, f: Filters) -> dict[str, Any]:
    bucket, shop, sku, n, amount, orders, base_refunds, base_orders = r
    row = _empty(bucket, shop, sku, refund_spike.RULE_ID, f)
    baseline = int(base_refunds) / int(base_orders) if base_orders else None
    counts = refund_spike.RefundCounts("sku", sku, int(orders), int(n), baseline)
    row.update(
        refunds=int(n),
        refund_amount=Decimal(amount),
        orders=int(orders),
        refund_rate=round(int(n) / int(orders), 6) if orders else None,
        baseline_rate=None if baseline is None else round(baseline, 6),
        abnormal=refund_spike.refund_spike(counts, refund_spike.Params()) is not None,
    )
    return row
