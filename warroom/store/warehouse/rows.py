"""What each sink table is made of: how a message value decodes into records, and how
records become the table's columns (absent ids as ``''``, JSON detail as text).

Pure: no client, no clock. ``TABLES`` maps a table to its ``TableSpec``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import orjson
from pydantic import BaseModel

from warroom.errors import WarroomError
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.decisions import Verdict
from warroom.streams.codecs import decode_events, decode_trusted

Getter = Callable[[Any], Any]
Decoder = Callable[[bytes], Sequence[BaseModel]]


def _or_empty(name: str) -> Getter:
    get = attrgetter(name)
    return lambda r: get(r) or ""


def _json(name: str) -> Getter:
    get = attrgetter(name)
    return lambda r: orjson.dumps(get(r), default=_plain).decode()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(type(value).__name__)


def _valid(kind: str) -> Decoder:
    """Platform input: the valid events only (ingest dead-letters the others)."""
    return lambda raw: decode_events(kind, raw)[0]


@dataclass(frozen=True)
class TableSpec:
    """A sink table: the records its topic carries and the getter of each column."""

    table: str
    decode: Decoder
    columns: dict[str, Getter]

    def to_columns(self, records: Sequence[Any]) -> dict[str, list[Any]]:
        """The table's columns for ``records`` (without the source columns)."""
        return {name: [get(r) for r in records] for name, get in self.columns.items()}


def _plain_columns(names: str) -> dict[str, Getter]:
    return {name: attrgetter(name) for name in names.split()}


def _viewer(name: str, default: Any = "") -> Getter:
    return lambda c: getattr(c.viewer, name) or default


CLICKS = TableSpec(
    "clicks",
    _valid("clicks"),
    {
        **_plain_columns("event_id ts kind shop_id campaign_id creative_id cost"),
        **{name: _or_empty(name) for name in ("creator_id", "product_id")},
        "viewer_id": _viewer("viewer_id"),
        "gender": _viewer("gender"),
        "age_band": _viewer("age_band"),
        "spending_power": _viewer("spending_power", 0),
        "city": _viewer("city"),
        "city_tier": _viewer("city_tier", 0),
        **_plain_columns("watch_time_s video_length_s"),
    },
)
ORDERS = TableSpec(
    "orders",
    _valid("orders"),
    {
        **_plain_columns("event_id ts order_id user_id ip shop_id sku quantity unit_price"),
        **_plain_columns("amount channel"),
        **{n: _or_empty(n) for n in ("device_id", "campaign_id", "creative_id", "creator_id")},
        "city": _or_empty("city"),
    },
)
PAYMENTS = TableSpec(
    "payments",
    _valid("payments"),
    {
        **_plain_columns("event_id ts payment_id order_id amount method status"),
        "card_hash": _or_empty("card_hash"),
    },
)
VERDICTS = TableSpec(
    "verdicts",
    lambda raw: decode_trusted(Verdict, raw),
    {
        **_plain_columns("key order_id shop_id outcome score mode entities event_ts decided_at"),
        "rules": lambda v: [h.rule_id for h in v.hits],
        "hits": _json("hits"),
    },
)
DECISIONS = TableSpec(
    "budget_decisions",
    lambda raw: decode_trusted(BudgetDecision, raw),
    {
        **_plain_columns("key rule_id rule_version entity_kind entity_id shop_id campaign_id"),
        **_plain_columns("mode action result window_end decided_at"),
        **{name: _or_empty(name) for name in ("reason", "reverts")},
        **{name: _json(name) for name in ("changes", "observed", "thresholds", "guardrails")},
    },
)

TABLES = {spec.table: spec for spec in (CLICKS, ORDERS, PAYMENTS, VERDICTS, DECISIONS)}


def spec(table: str) -> TableSpec:
    """The spec of a sink table."""
    if table not in TABLES:
        raise WarroomError(f"no sink table {table!r} (known: {sorted(TABLES)})")
    return TABLES[table]
