"""The payments a payment-rule backtest replays, from the warehouse: each with what is
known of its order (amount, buyer, when it was placed), and only those that could fire
the rule (SQL filters per kind), so a day's ordinary payments stay in ClickHouse; and
how many payments the window holds."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from warroom.backtest.loaders import shop_filter
from warroom.backtest.payments import PaymentRow
from warroom.store.warehouse.base import Warehouse

PAYMENTS = """
    SELECT toUInt32(ts), event_id, payment_id, order_id, amount, toString(method),
           toString(status), card_hash, order_amount, has_order, user_id, toUInt32(order_ts)
    FROM (
        SELECT ts, event_id, payment_id, order_id, amount, method, status, card_hash
        FROM payments FINAL WHERE ts >= %(since)s AND ts < %(until)s {only}
    ) AS p ANY LEFT JOIN (
        SELECT order_id, any(amount) AS order_amount, 1 AS has_order, any(shop_id) AS shop_id,
               any(user_id) AS user_id, min(ts) AS order_ts
        FROM orders WHERE ts < %(late)s GROUP BY order_id
    ) AS o USING order_id
    WHERE 1 {shop} {keep} ORDER BY ts, payment_id, event_id"""
PAYMENT_COUNT = """
    SELECT count() FROM (
        SELECT order_id FROM payments FINAL WHERE ts >= %(since)s AND ts < %(until)s
    ) AS p ANY LEFT JOIN (
        SELECT order_id, any(shop_id) AS shop_id FROM orders GROUP BY order_id
    ) AS o USING order_id
    WHERE 1 {shop}"""
FAILED = "FROM payments WHERE status = 'failed' AND ts >= %(since)s AND ts < %(until)s"
#: Per payment rule, the payments that could fire it (``only``: on the payments,
#: ``keep``: with their order known), so that a day's ordinary payments stay in SQL.
PAYMENT_FILTERS = {
    "payment_mismatch": ("", "AND has_order = 1 AND amount != order_amount"),
    "unknown_order_payment": (
        "",
        "AND (has_order = 0 OR toUInt32(order_ts) > toUInt32(ts) + %(grace)s)",
    ),
    "duplicate_payment": (
        """AND payment_id IN (SELECT payment_id FROM payments
        WHERE ts >= %(since)s AND ts < %(until)s GROUP BY payment_id HAVING count() > 1)""",
        "",
    ),
    "payment_failures": (
        f"""AND (card_hash IN (SELECT card_hash {FAILED} AND card_hash != ''
                GROUP BY card_hash HAVING count() > %(least)s)
            OR order_id IN (SELECT order_id FROM orders WHERE user_id IN (
                SELECT user_id FROM (SELECT order_id {FAILED}) AS f ANY INNER JOIN (
                    SELECT order_id, any(user_id) AS user_id FROM orders GROUP BY order_id
                ) AS u USING order_id GROUP BY user_id HAVING count() > %(least)s)))""",
        "",
    ),
}


async def payments(
    warehouse: Warehouse,
    since: datetime,
    until: datetime,
    shop_id: str | None,
    kind: str,
    late: timedelta = timedelta(0),
    **bounds: int,
) -> list[PaymentRow]:
    """The payments in [since, until) that could fire a rule of ``kind`` (``bounds``:
    its filter's ``grace`` or ``least``), in time order, each with its order's amount,
    buyer and time (None: the order is not placed by ``until`` + ``late``)."""
    only, keep = PAYMENT_FILTERS[kind]
    sql = PAYMENTS.format(shop=shop_filter(shop_id), only=only, keep=keep)
    params = {"since": since, "until": until, "shop": shop_id, "late": until + late, **bounds}
    rows = await warehouse.aquery(sql, params)
    out = []
    for ts, eid, pid, oid, amount, method, status, card, paid, has, user, placed in rows:
        known = bool(int(has))
        out.append(
            PaymentRow(
                float(ts),
                eid,
                pid,
                oid,
                Decimal(amount),
                method,
                status,
                card,
                Decimal(paid) if known else None,
                user if known else "",
                float(placed) if known else None,
            )
        )
    return out


async def payment_count(
    warehouse: Warehouse, since: datetime, until: datetime, shop_id: str | None
) -> int:
    """How many payments were made in [since, until) (for ``shop_id``'s orders)."""
    sql = PAYMENT_COUNT.format(shop=shop_filter(shop_id))
    rows = await warehouse.aquery(sql, {"since": since, "until": until, "shop": shop_id})
    return int(rows[0][0])
