"""What each sink table is made of: the topic it reads, how a message value decodes
into records, and how records become the table's columns.

Platform input is validated before it is written (the ingest agents dead-letter what
fails; the sink skips it). Orders and payments are read after ingest validated them,
from warroom's own re-keyed topics (``orders-by-shop``, ``payments-by-order``), and,
like verdicts and budget decisions, decoded straight into each table's record struct
(``getters.py``): validating every order a second time would cost the sink more than
its insert. Refunds are read from ``refunds-by-shop`` and clicks from ``clicks-valid``
the same way. Reviewers' labels come from the ``labels`` topic (the latest decision on
an order wins). On chdb, clicks skip the records: their columns are read straight from
the JSON into Arrow (``json_arrow.py``). Pure: no client, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import msgspec

from warroom.store.warehouse import getters as g
from warroom.store.warehouse.json_arrow import JsonColumns

Decoder = Callable[[bytes], Sequence[Any]]


@dataclass(frozen=True)
class TableSpec:
    """A sink table: how its topic's messages decode, and how each column is made."""

    table: str
    decode: Decoder
    groups: tuple[g.Fields, ...]
    #: Reads the columns straight from the messages' JSON into Arrow (``json_arrow.py``),
    #: where the backend takes Arrow; None: always records and columns as above.
    json: JsonColumns | None = None

    def to_columns(self, records: Sequence[Any]) -> dict[str, list[Any]]:
        """The table's columns for ``records`` (without the source columns)."""
        return {name: c for group in self.groups for name, c in group.make(records).items()}


def table_spec(
    table: str, *groups: g.Fields, within: str | None = None, json: bool = False
) -> TableSpec:
    """The sink table made of ``groups``: a message is one record or a JSON array of them
    (an envelope), or with ``within``, items whose field of that name is the record (items
    without it are not this table's). ``json``: also read straight from JSON into Arrow."""
    record = g.record_type(f"{table}_record", groups)
    reader = None
    if json:
        declared = [group.json for group in groups]
        if within is not None or any(d is None for d in declared):
            raise ValueError(f"{table}: not every column can be read straight from JSON")
        reader = JsonColumns([j for d in declared for j in d or ()])
    return TableSpec(table, _decoder(record, within), groups, reader)


def _decoder(record: type[msgspec.Struct], within: str | None) -> Decoder:
    """Decodes an envelope into its records (a ``ValueError`` when it cannot)."""
    if within is None:
        return g.envelope(record)
    name, fields = f"{record.__name__}_item", [(within, record | None, None)]
    items = g.envelope(msgspec.defstruct(name, fields, gc=False, kw_only=True))
    get = attrgetter(within)
    return lambda raw: [r for r in map(get, items(raw)) if r is not None]


CLICKS = table_spec(
    "clicks",  # clicks-valid: validated by ingest
    g.keys("event_id kind shop_id campaign_id creative_id"),
    g.times("ts"),
    g.keys_or_empty("creator_id product_id"),
    g.nested(
        "viewer", viewer_id="", gender="", age_band="", city="", spending_power=0, city_tier=0
    ),
    g.money("cost"),
    g.keys_or_none("watch_time_s video_length_s"),
    json=True,  # chdb: Python objects per row cost more than its insert
)
ORDERS = table_spec(
    "orders",
    g.keys("event_id order_id user_id ip shop_id sku quantity channel"),
    g.times("ts"),
    g.money("unit_price amount"),
    g.keys_or_empty("device_id campaign_id creative_id creator_id city"),
)
PAYMENTS = table_spec(
    "payments",
    g.keys("event_id payment_id order_id method status"),
    g.times("ts"),
    g.money("amount"),
    g.keys_or_empty("card_hash"),
    within="payment",  # payments-by-order also carries the orders
)
VERDICTS = table_spec(
    "verdicts",
    g.keys("key order_id shop_id outcome score mode entities"),
    g.times("event_ts decided_at"),
    g.per_row("rules", lambda v: [hit["rule_id"] for hit in v.hits]),
    g.json_text("hits"),
)
DECISIONS = table_spec(
    "budget_decisions",
    g.keys("key rule_id rule_version entity_kind entity_id shop_id campaign_id"),
    g.keys("mode action result"),
    g.times("window_end decided_at"),
    g.keys_or_empty("reason reverts"),
    g.json_text("changes observed thresholds guardrails"),
)
REFUNDS = table_spec(
    "refunds",  # refunds-by-shop: validated by ingest
    g.keys("event_id refund_id order_id shop_id sku reason"),
    g.times("ts"),
    g.money("amount"),
    g.keys_or_empty("user_id"),
)
LABELS = table_spec(
    "labels",
    g.keys("key order_id shop_id action label outcome score rules verdict_key"),
    g.keys("decided_by note"),
    g.times("decided_at"),
)
#: Commission lines of paid orders (issue 11), as the split agent wrote them.
COMMISSIONS = table_spec(
    "commissions",
    g.keys("key order_id shop_id campaign_id creative_id creator_id level role party_id"),
    g.keys("rule_version"),
    g.money("share base amount"),
    g.renamed(g.times("paid_at"), ts="paid_at"),
)

TABLES = {
    spec.table: spec
    for spec in (CLICKS, ORDERS, PAYMENTS, REFUNDS, VERDICTS, DECISIONS, LABELS, COMMISSIONS)
}
