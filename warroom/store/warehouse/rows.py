"""What each sink table is made of: the topic it reads, how a message value decodes
into records, and how records become the table's columns.

Platform input is validated before it is written (the ingest agents dead-letter what
fails; the sink skips it). Orders and payments are read after ingest validated them,
from warroom's own re-keyed topics (``orders-by-shop``, ``payments-by-order``), and,
like verdicts and budget decisions, decoded as plain JSON: validating every order a
second time would cost the sink more than its insert. Refunds are read from
``refunds-by-shop`` and clicks from ``clicks-valid`` the same way. Reviewers' labels come
from the ``labels`` topic (the latest decision on an order wins). Pure: no client, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from warroom.errors import InvalidEvent, WarroomError
from warroom.store.warehouse import getters as g

Decoder = Callable[[bytes], Sequence[Any]]


@dataclass(frozen=True)
class TableSpec:
    """A sink table: how its topic's messages decode, and how each column is made."""

    table: str
    decode: Decoder
    columns: dict[str, g.Column]

    def to_columns(self, records: Sequence[Any]) -> dict[str, list[Any]]:
        """The table's columns for ``records`` (without the source columns)."""
        return {name: column(records) for name, column in self.columns.items()}


def objects(raw: bytes) -> list[dict[str, Any]]:
    """An envelope warroom wrote: its JSON objects.

    >>> objects(b'[{"a": 1}]'), objects(b'{"a": 1}')
    ([{'a': 1}], [{'a': 1}])
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent(f"not JSON: {exc}") from None
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def payments(raw: bytes) -> list[dict[str, Any]]:
    """The payments of a payments-by-order envelope (its orders are not payments)."""
    return [item["payment"] for item in objects(raw) if item.get("payment")]


CLICKS = TableSpec(
    "clicks",
    objects,  # clicks-valid: validated by ingest
    {
        **g.keys("event_id kind shop_id campaign_id creative_id"),
        **g.times("ts"),
        **g.keys_or_empty("creator_id product_id"),
        **g.nested("viewer", "viewer_id gender age_band city", ""),
        **g.nested("viewer", "spending_power city_tier", 0),
        **g.money("cost"),
        **g.keys_or_none("watch_time_s video_length_s"),
    },
)
ORDERS = TableSpec(
    "orders",
    objects,
    {
        **g.keys("event_id order_id user_id ip shop_id sku quantity channel"),
        **g.times("ts"),
        **g.money("unit_price amount"),
        **g.keys_or_empty("device_id campaign_id creative_id creator_id city"),
    },
)
PAYMENTS = TableSpec(
    "payments",
    payments,
    {
        **g.keys("event_id payment_id order_id method status"),
        **g.times("ts"),
        **g.money("amount"),
        **g.keys_or_empty("card_hash"),
    },
)
VERDICTS = TableSpec(
    "verdicts",
    objects,
    {
        **g.keys("key order_id shop_id outcome score mode entities"),
        **g.times("event_ts decided_at"),
        "rules": g.per_row(lambda v: [hit["rule_id"] for hit in v["hits"]]),
        **g.json_text("hits"),
    },
)
DECISIONS = TableSpec(
    "budget_decisions",
    objects,
    {
        **g.keys("key rule_id rule_version entity_kind entity_id shop_id campaign_id"),
        **g.keys("mode action result"),
        **g.times("window_end decided_at"),
        **g.keys_or_empty("reason reverts"),
        **g.json_text("changes observed thresholds guardrails"),
    },
)

REFUNDS = TableSpec(
    "refunds",
    objects,  # refunds-by-shop: validated by ingest
    {
        **g.keys("event_id refund_id order_id shop_id sku reason"),
        **g.times("ts"),
        **g.money("amount"),
        **g.keys_or_empty("user_id"),
    },
)
LABELS = TableSpec(
    "labels",
    objects,
    {
        **g.keys("key order_id shop_id action label outcome score rules verdict_key"),
        **g.keys("decided_by note"),
        **g.times("decided_at"),
    },
)
#: Commission lines of paid orders (issue 11), as the split agent wrote them.
COMMISSIONS = TableSpec(
    "commissions",
    objects,
    {
        **g.keys("key order_id shop_id campaign_id creative_id creator_id level role party_id"),
        **g.keys("rule_version"),
        **g.money("share base amount"),
        "ts": g.times("paid_at")["paid_at"],
    },
)

TABLES = {
    spec.table: spec
    for spec in (CLICKS, ORDERS, PAYMENTS, REFUNDS, VERDICTS, DECISIONS, LABELS, COMMISSIONS)
}


def spec(table: str) -> TableSpec:
    """The spec of a sink table."""
    if table not in TABLES:
        raise WarroomError(f"no sink table {table!r} (known: {sorted(TABLES)})")
    return TABLES[table]
