"""chdb's fast path for clicks (columns read straight from the JSON into Arrow) writes
exactly the rows the usual path (records, then columns) writes for the same messages,
and takes the usual path for a batch it cannot read, so that nothing is lost."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import replace

import orjson
import pytest

from tests.warehouse import events
from tests.warehouse.conftest import open_backend
from warroom.store.warehouse import Row, Warehouse
from warroom.store.warehouse.rows import CLICKS, TableSpec
from warroom.store.warehouse.schema import apply_schema
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams import stats
from warroom.streams.codecs import encode_envelope

TOPIC = "t.clicks"
USUAL = replace(CLICKS, json=None)
FALLBACKS = "sink.json_fallback.clicks"


def click(i: int, **changes: object) -> dict[str, object]:
    """A click as ingest writes it (every field, nulls included), with ``changes``;
    a change to ``None`` removes the field."""
    base = orjson.loads(encode_envelope(events.clicks(i + 1)[i:]))[0]
    for name, value in changes.items():
        if value is None:
            base.pop(name, None)
        else:
            base[name] = value
    return base


def envelope(*items: object) -> bytes:
    return orjson.dumps(list(items))


VIEWER = {"viewer_id": "v1", "gender": "m", "age_band": "31-40"}
#: Messages the fast path reads itself.
READ = {
    "as ingest writes them": [
        encode_envelope(events.clicks(250)[i : i + 100]) for i in (0, 100, 200)
    ],
    "optional fields absent or null": [
        envelope(
            click(0, creator_id=None, product_id=None, watch_time_s=None, video_length_s=None),
            click(1, viewer={"gender": "u", "age_band": "unknown"}),  # enums: never absent
            click(2, viewer={**VIEWER, "viewer_id": None}, creator_id="cr", product_id="p"),
            click(3, viewer={**VIEWER, "city": None, "spending_power": None, "city_tier": None}),
        )
    ],
    "unicode and escapes": [
        envelope(
            click(0, creator_id="创作者😀", viewer={**VIEWER, "city": "上海 \u00e9"}),
            click(1, product_id='a"b\\c\t/\u2028', viewer={**VIEWER, "viewer_id": "\u0000x"}),
        ),
        b'[{"event_id":"esc\\u00e9\\ud83d\\ude00","ts":"2025-03-01T10:00:00Z","kind":"click",'
        b'"shop_id":"s1","campaign_id":"c1","creative_id":"cr1","viewer":{"city":"\\u4e0a","gender":"u",'
        b'"age_band":"<18"},'
        b'"cost":"1"}]',
    ],
    "money": [
        envelope(
            *(
                click(i, cost=cost)
                for i, cost in enumerate(
                    ["999999999.9999", "1000000000", "0.0001", "0", "12.5", "1E+3", "2.5e-3"]
                )
            )
        )
    ],
    "times and floats": [
        envelope(
            click(0, ts="2025-03-01T10:00:00.999999Z", watch_time_s=0.1),
            click(1, ts="2025-03-01T18:00:59+08:00", watch_time_s=12, video_length_s=86400),
            click(2, ts="2025-12-31T23:59:59.5-05:30", watch_time_s=1e-7, video_length_s=3.3),
        )
    ],
    "one object, pretty-printed, unknown fields": [
        orjson.dumps(click(0, extra={"a": [1, 2]})),
        orjson.dumps([click(1), click(2, viewer={**VIEWER, "x": 1})], option=orjson.OPT_INDENT_2),
        b"  []  ",
        b"",
    ],
}
#: Batches with a message the fast path does not read: the usual path judges each message.
FALLBACK = {
    "bad JSON": [envelope(click(0)), b"[{not json"],
    "no viewer": [envelope(click(0)), envelope(click(1, viewer=None))],
    "null viewer": [envelope(click(0)), b'[{"viewer": null}]'],
    "no cost": [envelope(click(0), click(1, cost=None))],
    "a time without zone": [envelope(click(0, ts="2025-03-01T10:00:00"))],
    "a time with nanoseconds": [envelope(click(0, ts="2025-03-01T10:00:00.123456789Z"))],
    "money as a JSON number": [envelope(click(0, cost=0.25))],
    "a null record": [b"[null]", envelope(click(1))],
}


@pytest.fixture
def chdb(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    wh = open_backend("chdb", request, f"t_{uuid.uuid4().hex[:12]}")
    apply_schema(wh)
    yield wh
    wh.execute(f"DROP DATABASE IF EXISTS {wh.database} SYNC")
    wh.close()


def write(warehouse: Warehouse, spec: TableSpec, messages: list[bytes]) -> list[Row]:
    """The clicks table after ``messages`` went through a sink of ``spec``."""
    warehouse.execute("TRUNCATE TABLE clicks")
    sink = BatchingSink(warehouse, {TOPIC: spec}, flush_rows=10**6, flush_s=60)
    for offset, value in enumerate(messages):
        sink.add(TOPIC, 0, offset, value, now=0.0)
    asyncio.run(sink.flush())
    assert sink.take_committable() == {(TOPIC, 0): len(messages)}  # all of it, read or not
    return warehouse.query("SELECT * FROM clicks ORDER BY src_offset, event_id, ts")


@pytest.mark.parametrize("case", READ)
def test_the_fast_path_writes_the_rows_of_the_usual_path(chdb: Warehouse, case: str) -> None:
    usual = write(chdb, USUAL, READ[case])
    before = stats.counters[FALLBACKS]
    fast = write(chdb, CLICKS, READ[case])
    assert stats.counters[FALLBACKS] == before  # read straight from JSON
    assert fast == usual
    assert usual  # rows, not two empty tables


@pytest.mark.parametrize("case", FALLBACK)
def test_what_the_fast_path_does_not_read_goes_the_usual_way(chdb: Warehouse, case: str) -> None:
    usual = write(chdb, USUAL, FALLBACK[case])
    before = stats.counters[FALLBACKS]
    fast = write(chdb, CLICKS, FALLBACK[case])
    assert stats.counters[FALLBACKS] == before + 1
    assert fast == usual


def test_the_server_takes_the_usual_path(warehouse: Warehouse) -> None:
    if warehouse.backend != "server":
        pytest.skip("the server backend only")
    messages = READ["optional fields absent or null"]
    assert write(warehouse, CLICKS, messages) == write(warehouse, USUAL, messages)
