"""The history a backtest replays, from the warehouse: per-minute counters of campaigns
(the ``campaign_minute`` rollup) or creatives (raw clicks and orders, aggregated per
minute in SQL), orders and payments (only the columns the rules read; for burst rules
only the keys with enough orders to fire), and the review labels of the window's orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from warroom.backtest.night import OrderColumns
from warroom.backtest.risk import OrderRow, PaymentRow
from warroom.backtest.series import MinuteSeries
from warroom.schemas.events import Payment
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
PAYMENTS = """
    SELECT toUInt32(ts), payment_id, order_id, amount, toString(method), toString(status),
           order_amount, has_order
    FROM (
        SELECT ts, payment_id, order_id, amount, method, status FROM payments FINAL
        WHERE ts >= %(since)s AND ts < %(until)s
    ) AS p ANY LEFT JOIN (
        SELECT order_id, any(amount) AS order_amount, 1 AS has_order, any(shop_id) AS shop_id
        FROM orders WHERE ts < %(until)s GROUP BY order_id
    ) AS o USING order_id
    WHERE 1 {shop} ORDER BY ts, payment_id"""
LABELS = """
    SELECT order_id, argMax(toString(label), decided_at) FROM labels
    WHERE order_id IN (SELECT order_id FROM orders WHERE ts >= %(since)s AND ts < %(until)s)
    GROUP BY order_id"""


def _shop(shop_id: str | None) -> str:
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
    return _series(await warehouse.aquery(sql.format(shop=_shop(shop_id)), params))


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
    sql = ORDERS.format(columns=columns, shop=_shop(shop_id), busy=filters)
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
    sql = NIGHT_ORDERS.format(shop=_shop(shop_id))
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    if not rows:
        return OrderColumns(np.zeros(0), [], [], [], [])
    ts, oid, shop, sku, amount = zip(*rows, strict=True)
    return OrderColumns(np.fromiter(ts, np.float64, len(ts)), oid, shop, sku, amount)


async def payments(
    warehouse: Warehouse, since: datetime, until: datetime, shop_id: str | None
) -> list[PaymentRow]:
    """Payments in [since, until), each with its order's amount (None: order unknown)."""
    sql = PAYMENTS.format(shop="" if shop_id is None else "AND shop_id = %(shop)s")
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    out = []
    for ts, pid, oid, amount, method, status, order_amount, has_order in rows:
        payment = Payment.model_construct(
            event_id=pid,
            ts=datetime.fromtimestamp(int(ts), UTC),
            payment_id=pid,
            order_id=oid,
            amount=Decimal(amount),
            method=method,
            status=status,
            card_hash=None,
        )
        out.append(PaymentRow(payment, Decimal(order_amount) if int(has_order) else None))
    return out


async def labels(warehouse: Warehouse, since: datetime, until: datetime) -> dict[str, str]:
    """The latest review label (legit, fraud) of each order placed in [since, until)."""
    rows = await warehouse.aquery(LABELS, {"since": since, "until": until})
    return {order_id: label for order_id, label in rows}


async def order_count(
    warehouse: Warehouse, since: datetime, until: datetime, shop_id: str | None
) -> int:
    """How many orders were placed in [since, until)."""
    where = f"ts >= %(since)s AND ts < %(until)s {_shop(shop_id)}"
    sql = f"SELECT count() FROM orders FINAL WHERE {where}"
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    return int(rows[0][0])
