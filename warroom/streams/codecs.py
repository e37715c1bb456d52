"""Envelopes: a message value is one JSON event or a JSON array of events.

Decoding validates item by item so that one bad event never costs its neighbours;
encoding writes the validated models back as one JSON array per message.

Input events are pydantic models (they are validated field by field, with errors that
name the field). The busiest internal records, built by warroom from events it has
validated, are ``msgspec`` structs: creating, encoding and decoding one costs ~1 µs
instead of ~8 µs as a pydantic model, and a click or an order makes several.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

import msgspec
import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from warroom.errors import InvalidEvent
from warroom.schemas.events import EVENT_TYPES, Event
from warroom.schemas.types import TRUSTED

#: A record on a topic: a pydantic model (events, most records) or a msgspec struct
#: (the busiest internal records).
Record = BaseModel | msgspec.Struct
M = TypeVar("M", bound=Record)
E = TypeVar("E", bound=Event)


@dataclass(frozen=True, slots=True)
class Rejected:
    """One item that failed validation: where it was, which field, and why."""

    index: int
    field: str | None
    message: str
    raw: bytes = b""


def decode_envelope(raw: bytes | str) -> list[Any]:
    """Parse a message value into its list of items (an object counts as a list of one).

    >>> decode_envelope(b'{"a": 1}')
    [{'a': 1}]
    >>> decode_envelope(b'[1, 2]')
    [1, 2]
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent(f"not JSON: {exc}") from None
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    raise InvalidEvent("expected a JSON object or an array of objects")


def describe(error: ErrorDetails) -> tuple[str | None, str]:
    """A pydantic error as (dotted field path, message)."""
    field = ".".join(str(part) for part in error["loc"]) or None
    return field, error["msg"]


def raw_of(item: Any) -> bytes:
    """An item as JSON again, for its dead letter (orjson writes at most 254 levels).

    >>> raw_of({"a": [1]})
    b'{"a":[1]}'
    """
    try:
        return orjson.dumps(item)
    except orjson.JSONEncodeError:
        return b'"(not kept: nested too deeply to write back)"'


#: What validating one item may raise beyond ``ValidationError`` (a validator's bug):
#: the item is refused with it, never the whole batch lost.
UNEXPECTED = (ValueError, ArithmeticError, TypeError)


#: NUL as JSON writes it: no store takes it in text (PostgreSQL refuses it, in JSON too).
NUL = b"\\u0000"


def has_nul(item: Any) -> bool:
    """Whether a NUL character is in any key or string of ``item`` (however deep).

    >>> has_nul({"a": [1, {"b": "x\\x00"}]}), has_nul({"a": "\\\\u0000"})
    (True, False)
    """
    stack = [item]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def validate_items(
    kind: str, items: Iterable[tuple[int, Any]], screen_nul: bool = True
) -> tuple[list[Event], list[Rejected]]:
    """Validate (index, item) pairs as events of ``kind``; keep the good, explain the bad.
    ``screen_nul``: refuse items with a NUL character anywhere (skip it when the message
    they came in holds none)."""
    model = EVENT_TYPES[kind]
    good: list[Event] = []
    bad: list[Rejected] = []
    for index, item in items:
        if not isinstance(item, dict):
            bad.append(Rejected(index, None, "expected a JSON object", raw_of(item)))
            continue
        if screen_nul and NUL in (raw := raw_of(item)) and has_nul(item):
            bad.append(Rejected(index, None, "text may not contain NUL (\\u0000) characters", raw))
            continue
        try:
            good.append(model.model_validate(item))
        except ValidationError as exc:
            field, message = describe(exc.errors(include_url=False)[0])
            bad.append(Rejected(index, field, message, raw_of(item)))
        except UNEXPECTED as exc:
            bad.append(Rejected(index, None, f"invalid event: {exc}", raw_of(item)))
    return good, bad


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


@cache
def _list_decoder(model: type[M]) -> msgspec.json.Decoder[list[M]]:
    return msgspec.json.Decoder(list[model])  # type: ignore[valid-type]


_to_json = msgspec.json.Encoder().encode


def decode_events(kind: str, raw: bytes) -> tuple[list[Event], list[Rejected]]:
    """Decode and validate one message; the common all-valid case stays inside pydantic-core."""
    if raw[:1] == b"[" and NUL not in raw:
        try:
            return list(_list_adapter(EVENT_TYPES[kind]).validate_json(raw)), []
        except (ValidationError, *UNEXPECTED):
            pass  # item by item, to say which and why
    return validate_items(kind, enumerate(decode_envelope(raw)), screen_nul=NUL in raw)


class RecentDecodes:
    """The last few envelopes of events decoded, by their bytes.

    Several agents read the same envelope: two agents on one topic, and on one partition
    the five orders-by-* topics carry the very same bytes (each order is written once,
    ``routing.route_risk_orders``). Hashing an envelope costs ~1% of validating it.
    Only events are kept: they are frozen all the way down (no list or dict in them),
    so agents can share them.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.decoded: OrderedDict[tuple[type, bytes], list[Any]] = OrderedDict()

    def get(self, model: type[E], raw: bytes) -> list[E]:
        key = (model, raw)
        found = self.decoded.get(key)
        if found is None:
            found = _list_adapter(model).validate_json(raw, context=TRUSTED)
            self.decoded[key] = found
            if len(self.decoded) > self.size:
                self.decoded.popitem(last=False)
        return list(found)


_recent = RecentDecodes()


def decode_trusted(model: type[M], raw: bytes) -> list[M]:
    """Decode an envelope that warroom itself wrote (internal topics: already validated,
    so the costly field checks are skipped: ``TRUSTED``; structs check types only)."""
    if issubclass(model, msgspec.Struct):
        return _list_decoder(model).decode(raw)
    if issubclass(model, Event):
        return cast(list[M], _recent.get(model, raw))
    return _list_adapter(model).validate_json(raw, context=TRUSTED)


def decode_body(body: bytes) -> tuple[list[tuple[int, Any]], list[Rejected]]:
    """An HTTP ingest body: a JSON array, one JSON object, or NDJSON (one object per line).

    >>> decode_body(b'{"a": 1}\\nnope\\n')[1][0].index
    1
    """
    stripped = body.lstrip()
    if stripped[:1] == b"[":
        return list(enumerate(decode_envelope(stripped))), []
    if stripped[:1] == b"{":  # one object, maybe pretty-printed over many lines
        try:
            return [(0, orjson.loads(stripped))], []
        except orjson.JSONDecodeError:
            pass  # several lines: NDJSON
    items: list[tuple[int, Any]] = []
    bad: list[Rejected] = []
    lines = (line for line in body.splitlines() if line.strip())
    for index, line in enumerate(lines):
        try:
            items.append((index, orjson.loads(line)))
        except orjson.JSONDecodeError as exc:
            bad.append(Rejected(index, None, f"line is not JSON: {exc}", line[:2000]))
    return items, bad


#: Largest envelope warroom writes: well under Kafka's default 1 MB message limit.
MAX_ENVELOPE_BYTES = 512 * 1024


def record_json(record: Record) -> bytes:
    """One record as JSON, serialised by msgspec or pydantic-core."""
    if isinstance(record, msgspec.Struct):
        return _to_json(record)
    return record.__pydantic_serializer__.to_json(record)


def encode_envelope(records: Iterable[Record]) -> bytes:
    """One JSON array of records."""
    return b"[" + b",".join(map(record_json, records)) + b"]"


def encode_envelopes(records: Iterable[Record], limit: int = MAX_ENVELOPE_BYTES) -> list[bytes]:
    """JSON arrays of the records, each at most ``limit`` bytes (a larger single record
    gets an envelope of its own), in order.

    >>> from warroom.schemas.internal import CampaignMinute
    >>> envelopes = encode_envelopes([CampaignMinute(minute=m) for m in range(5)], limit=200)
    >>> len(envelopes), all(len(e) <= 200 for e in envelopes)
    (3, True)
    """
    if isinstance(records, list) and records and isinstance(records[0], msgspec.Struct):
        try:
            whole = _to_json(records)  # the common case: structs, one envelope
        except TypeError:  # not all of them structs
            pass
        else:
            if len(whole) <= limit:
                return [whole]
    return join_envelopes(map(record_json, records), limit)


def join_envelopes(parts: Iterable[bytes], limit: int = MAX_ENVELOPE_BYTES) -> list[bytes]:
    """Records already written as JSON, joined into arrays of at most ``limit`` bytes
    (a larger single record gets an envelope of its own), in order.

    >>> join_envelopes([b'{"a":1}', b'{"b":2}', b'{"c":3}'], limit=18)
    [b'[{"a":1},{"b":2}]', b'[{"c":3}]']
    """
    out: list[bytes] = []
    group: list[bytes] = []
    size = 2
    for part in parts:
        if group and size + len(part) + 1 > limit:
            out.append(b"[" + b",".join(group) + b"]")
            group, size = [], 2
        group.append(part)
        size += len(part) + 1
    if group:
        out.append(b"[" + b",".join(group) + b"]")
    return out
