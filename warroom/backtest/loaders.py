"""The history a backtest replays, from the warehouse: per-minute counters of campaigns
(the ``campaign_minute`` rollup) or creatives (raw clicks and orders, aggregated per
minute in SQL), orders (only the columns the rules read; for burst rules only the keys
with enough orders to fire; for night surges as columns), orders and refunds (refund
spikes), each order's latest recorded verdict (thresholds), and the review labels of
the orders judged. Payments: ``payment_history``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from warroom.backtest.night import OrderColumns
from warroom.backtest.refunds import Sale, SalesColumns
from warroom.backtest.risk import OrderRow
from warroom.backtest.series import MinuteSeries
from warroom.backtest.verdicts import Scored
from warroom.schemas.types import MONEY_UNITS
from warroom.store.warehouse.base import Row, Warehouse

#: History loaded before the window: the shop-local day so far (``today`` windows).
WARM_UP = timedelta(days=1)
SUMS = "sum(impressions), sum(plays), sum(clicks), sum(cost), sum(orders), sum(gmv)"

CAMPAIGN_MINUTES = f"""
    SELECT campaign_id, intDiv(toUInt32(minute), 60) AS m, {SUMS} FROM campaign_minute
    WHERE minute >= %(since)s AND minute < %(until)s {{shop}} GROUP BY campaign_id, m"""
CREATIVE_MINUTES = f"""
    SELECT creative_id, m, {SUMS} FROM (
        SELECT creative_id, intDiv(toUInt32(ts), 60) AS m,
               countIf(kind = 'impression') AS impressions, countIf(kind = 'play') AS plays,
               countIf(kind = 'click') AS clicks, sum(cost) AS cost, toUInt64(0) AS orders,
               toDecimal128(0, 4) AS gmv
        FROM clicks WHERE ts >= %(since)s AND ts < %(until)s {{shop}} GROUP BY creative_id, m
        UNION ALL
        SELECT creative_id, intDiv(toUInt32(ts), 60) AS m, toUInt64(0) AS impressions,
               toUInt64(0) AS plays, toUInt64(0) AS clicks, toDecimal128(0, 4) AS cost,
               count() AS orders, sum(amount) AS gmv
        FROM orders FINAL WHERE ts >= %(since)s AND ts < %(until)s AND creative_id != '' {{shop}}
        GROUP BY creative_id, m
    ) GROUP BY creative_id, m"""
ORDERS = """
    SELECT toUInt32(ts), order_id, {columns}, amount
    FROM orders FINAL WHERE ts >= %(since)s AND ts < %(until)s {shop} {busy}
    ORDER BY ts, order_id"""
#: The order columns a rule may read (the others are sent as '': less to convert).
OPTIONAL = ("shop_id", "sku", "ip", "user_id", "device_id", "unit_price")
BUSY = """AND {key} IN (
        SELECT {key} FROM orders WHERE ts >= %(since)s AND ts < %(until)s AND {key} != ''
        GROUP BY {key} HAVING count() > %(least)s)"""
NIGHT_ORDERS = """
    SELECT toUInt32(ts), order_id, shop_id, sku, amount
    FROM orders FINAL WHERE ts >= %(since)s AND ts < %(until)s {shop}
    ORDER BY ts, order_id"""
SOLD = """
    SELECT toUInt32(ts), shop_id, sku FROM orders FINAL
    WHERE ts >= %(since)s AND ts < %(until)s ORDER BY ts"""
REFUNDED = """
    SELECT toUInt32(ts), refund_id, order_id, shop_id, sku, amount FROM refunds FINAL
    WHERE ts >= %(since)s AND ts < %(until)s ORDER BY ts, refund_id"""
VERDICTS = """
    SELECT at, order_id, score, mode, rules, amount FROM (
        SELECT toUInt32(min(event_ts)) AS at, order_id, argMax(score, decided_at) AS score,
               argMax(toString(mode), decided_at) AS mode, argMax(rules, decided_at) AS rules
        FROM verdicts WHERE event_ts >= %(since)s AND event_ts < %(until)s {shop}
        GROUP BY order_id
    ) AS v ANY LEFT JOIN (
        SELECT order_id, any(amount) AS amount FROM orders
        WHERE order_id IN (SELECT order_id FROM verdicts
                           WHERE event_ts >= %(since)s AND event_ts < %(until)s)
        GROUP BY order_id
    ) AS o USING order_id ORDER BY at, order_id"""
#: The orders whose labels count, per kind of history: placed, paid, refunded or judged
#: in the window.
JUDGED = {
    "orders": "SELECT order_id FROM orders WHERE ts >= %(since)s AND ts < %(until)s",
    "payments": "SELECT order_id FROM payments WHERE ts >= %(since)s AND ts < %(until)s",
    "refunds": "SELECT order_id FROM refunds WHERE ts >= %(since)s AND ts < %(until)s",
    "verdicts": "SELECT order_id FROM verdicts WHERE event_ts >= %(since)s "
    "AND event_ts < %(until)s",
}
LABELS = """
    SELECT order_id, argMax(toString(label), decided_at) FROM labels
    WHERE order_id IN ({judged}) GROUP BY order_id"""


def shop_filter(shop_id: str | None) -> str:
    return "" if shop_id is None else "AND shop_id = %(shop)s"


def _units(value: Any) -> int:
    return int(Decimal(value) * MONEY_UNITS)


def _series(rows: Sequence[Row]) -> dict[str, MinuteSeries]:
    grouped: dict[str, list[tuple[int, list[int]]]] = {}
    for key, minute, imp, plays, clicks, cost, orders, gmv in rows:
        counts = [int(imp), int(plays), int(clicks), _units(cost), int(orders), _units(gmv)]
        grouped.setdefault(key, []).append((int(minute), counts))
    return {key: MinuteSeries.of(minutes) for key, minutes in grouped.items()}


async def minute_series(
    warehouse: Warehouse, scope: str, since: datetime, until: datetime, shop_id: str | None
) -> dict[str, MinuteSeries]:
    """Per campaign (or creative) id, its counters per minute from a day before ``since``."""
    sql = CAMPAIGN_MINUTES if scope == "campaign" else CREATIVE_MINUTES
    params = {"since": since - WARM_UP, "until": until, "shop": shop_id}
    return _series(await warehouse.aquery(sql.format(shop=shop_filter(shop_id)), params))


async def orders(
    warehouse: Warehouse,
    since: datetime,
    until: datetime,
    shop_id: str | None,
    busy: tuple[str, int] | None = None,
    needs: frozenset[str] = frozenset(OPTIONAL),
) -> list[OrderRow]:
    """Orders in [since, until) in time order, with the columns in ``needs`` (the rest
    blank; ``unit_price``: the amount); ``busy`` = (key column, n) keeps only the
    orders of keys with more than n orders in the span."""
    filters = "" if busy is None else BUSY.format(key=busy[0])
    blank = {"unit_price": "amount"}
    columns = ", ".join(c if c in needs else blank.get(c, "''") for c in OPTIONAL)
    sql = ORDERS.format(columns=columns, shop=shop_filter(shop_id), busy=filters)
    params = {"since": since, "until": until, "shop": shop_id, "least": busy[1] if busy else 0}
    rows = await warehouse.aquery(sql, params)
    return [
        OrderRow(float(ts), oid, shop, sku, ip, user, device, Decimal(price), Decimal(amount))
        for ts, oid, shop, sku, ip, user, device, price, amount in rows
    ]


async def order_columns(
    warehouse: Warehouse, since: datetime, until: datetime, shop_id: str | None
) -> OrderColumns:
    """Orders in [since, until) in time order, as columns: time, id, shop, SKU, amount."""
    sql = NIGHT_ORDERS.format(shop=shop_filter(shop_id))
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    if not rows:
        return OrderColumns(np.zeros(0), [], [], [], [])
    ts, oid, shop, sku, amount = zip(*rows, strict=True)
    return OrderColumns(np.fromiter(ts, np.float64, len(ts)), oid, shop, sku, amount)


async def sales(warehouse: Warehouse, since: datetime, until: datetime) -> SalesColumns:
    """Orders (time, shop, SKU) and refunds in [since, until) in time order, an order
    before a refund of the same second; every shop's (the rule compares shops)."""
    window = {"since": since, "until": until}
    sold = await warehouse.aquery(SOLD, window)
    refunds = [
        Sale(float(ts), "refund", rid, oid, shop, sku, Decimal(amount))
        for ts, rid, oid, shop, sku, amount in await warehouse.aquery(REFUNDED, window)
    ]
    ts = np.array([float(r[0]) for r in sold] + [r.ts for r in refunds], dtype=np.float64)
    refund = np.arange(len(ts)) >= len(sold)
    place = np.lexsort((np.arange(len(ts)), refund, ts))  # refunds keep their order
    shops = [r[1] for r in sold] + [r.shop_id for r in refunds]
    skus = [r[2] for r in sold] + [r.sku for r in refunds]
    order = place.tolist()
    return SalesColumns(
        ts[place], refund[place], [shops[i] for i in order], [skus[i] for i in order], refunds
    )


async def verdicts(
    warehouse: Warehouse, since: datetime, until: datetime, shop_id: str | None
) -> list[Scored]:
    """Each order's latest verdict on an event in [since, until), in time order, with the
    order's amount (0 when the warehouse holds no such order)."""
    sql = VERDICTS.format(shop=shop_filter(shop_id))
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    return [
        Scored(float(at), oid, float(score), mode, tuple(rules), Decimal(amount))
        for at, oid, score, mode, rules, amount in rows
    ]


async def labels(
    warehouse: Warehouse, since: datetime, until: datetime, judged: str = "orders"
) -> dict[str, str]:
    """The latest review label (legit, fraud) of each order placed (or paid, refunded,
    judged: ``judged``) in [since, until)."""
    sql = LABELS.format(judged=JUDGED[judged])
    rows = await warehouse.aquery(sql, {"since": since, "until": until})
    return {order_id: label for order_id, label in rows}


async def order_count(
    warehouse: Warehouse, since: datetime, until: datetime, shop_id: str | None
) -> int:
    """How many orders were placed in [since, until)."""
    where = f"ts >= %(since)s AND ts < %(until)s {shop_filter(shop_id)}"
    sql = f"SELECT count() FROM orders FINAL WHERE {where}"
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    return int(rows[0][0])
