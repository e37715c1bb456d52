"""Envelopes on the wire: one event or an array of events per message; bad items explained."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.errors import InvalidEvent
from warroom.schemas.events import Order
from warroom.schemas.internal import Activity, CampaignMinute
from warroom.streams.codecs import (
    RecentDecodes,
    decode_body,
    decode_envelope,
    decode_events,
    decode_trusted,
    encode_envelope,
    validate_items,
)


def order(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "event_id": f"ord-evt-{n:04d}",
        "ts": f"2024-11-11T12:00:{n % 60:02d}Z",
        "order_id": f"DY24111100{n:04d}",
        "user_id": f"dy_u_{5500 + n}",
        "ip": f"203.0.113.{n % 250 + 1}",
        "shop_id": "shop-hz-tea-007",
        "sku": "LONGJING-250G",
        "quantity": 1 + n % 3,
        "unit_price": "168.00",
        "amount": str(Decimal("168.00") * (1 + n % 3)),
        "channel": "live",
        **changes,
    }


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


# -- decode_envelope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        (b'{"order_id": "DY1"}', [{"order_id": "DY1"}]),
        ('{"order_id": "DY1"}', [{"order_id": "DY1"}]),
        (b'[{"order_id": "DY1"}, {"order_id": "DY2"}]', [{"order_id": "DY1"}, {"order_id": "DY2"}]),
        (b"  [ ]  ", []),
        (b'[1, "two"]', [1, "two"]),
    ],
)
def test_an_object_is_a_list_of_one_and_an_array_is_itself(raw: bytes | str, items: list) -> None:
    assert decode_envelope(raw) == items


@pytest.mark.parametrize("raw", [b"42", b'"DY1"', b"null", b"true"])
def test_a_scalar_message_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidEvent, match="expected a JSON object or an array"):
        decode_envelope(raw)


@pytest.mark.parametrize("raw", [b"", b"{", b'{"order_id": DY1}', b"\xff\xfe", b"[1,]"])
def test_bad_json_is_refused_as_not_json(raw: bytes) -> None:
    with pytest.raises(InvalidEvent, match=r"^not JSON"):
        decode_envelope(raw)


# -- decode_events ---------------------------------------------------------------------------


def test_all_valid_array_decodes_every_event_in_order() -> None:
    good, bad = decode_events("orders", dumps([order(1), order(2), order(3)]))

    assert bad == []
    assert [e.order_id for e in good] == ["DY241111000001", "DY241111000002", "DY241111000003"]
    assert all(isinstance(e, Order) for e in good)


def test_single_object_message_decodes_to_one_event() -> None:
    good, bad = decode_events("orders", dumps(order(7)))

    assert ([e.order_id for e in good], bad) == (["DY241111000007"], [])


def test_one_bad_item_costs_only_itself() -> None:
    items = [order(1), order(2, amount="-5"), order(3), "DY241111000004", order(5, ip="999.1.1.1")]

    good, bad = decode_events("orders", dumps(items))

    assert [e.order_id for e in good] == ["DY241111000001", "DY241111000003"]
    assert [(r.index, r.field) for r in bad] == [(1, "amount"), (3, None), (4, "ip")]
    assert "greater than or equal to 0" in bad[0].message
    assert bad[1].message == "expected a JSON object"
    assert orjson.loads(bad[0].raw)["order_id"] == "DY241111000002"
    assert orjson.loads(bad[1].raw) == "DY241111000004"


def test_missing_nested_field_is_named_by_its_path() -> None:
    click = {
        "event_id": "clk-1",
        "ts": "2024-11-11T12:00:00Z",
        "kind": "impression",
        "shop_id": "shop-hz-tea-007",
        "campaign_id": "cmp-double11-01",
        "creative_id": "crv-3",
        "viewer": {"gender": "f"},
    }

    _, [rejected] = decode_events("clicks", dumps([click]))

    assert rejected.field == "viewer.viewer_id"


def test_bad_json_message_raises_invalid_event() -> None:
    with pytest.raises(InvalidEvent):
        decode_events("orders", b'[{"order_id": "DY1"')


valid_orders = st.lists(st.integers(0, 9_999).map(order), min_size=1, max_size=8)


@given(valid_orders, st.lists(st.integers(0, 8), max_size=3))
def test_fast_path_and_mixed_path_keep_the_same_good_events(
    items: list[dict[str, Any]], bad_positions: list[int]
) -> None:
    mixed = list(items)
    for pos in sorted(set(bad_positions), reverse=True):
        mixed.insert(min(pos, len(mixed)), {"order_id": "DY-broken", "amount": "lots"})

    fast, fast_bad = decode_events("orders", dumps(items))
    slow, slow_bad = decode_events("orders", dumps(mixed))
    reference, _ = validate_items("orders", enumerate(items))

    assert fast_bad == []
    assert fast == slow == reference
    assert len(slow_bad) == len(set(bad_positions))
    assert all(mixed[r.index]["order_id"] == "DY-broken" for r in slow_bad)


def test_fast_path_keeps_money_exact() -> None:
    [event], _ = decode_events("orders", dumps([order(1, unit_price=19.99, amount=39.98)]))

    assert (event.unit_price, event.amount) == (Decimal("19.99"), Decimal("39.98"))


# -- decode_body -----------------------------------------------------------------------------


def test_body_as_json_array() -> None:
    items, bad = decode_body(b"  \n" + dumps([order(1), order(2)]))

    assert bad == []
    assert [(i, item["order_id"]) for i, item in items] == [
        (0, "DY241111000001"),
        (1, "DY241111000002"),
    ]


def test_body_as_ndjson_with_a_bad_line_and_blank_lines() -> None:
    body = b"\n".join([dumps(order(1)), b"", b"   ", b"{not json", dumps(order(3)), b""])

    items, bad = decode_body(body)

    assert [(i, item["order_id"]) for i, item in items] == [
        (0, "DY241111000001"),
        (2, "DY241111000003"),
    ]
    [rejected] = bad
    assert rejected.index == 1
    assert rejected.field is None
    assert rejected.message.startswith("line is not JSON")
    assert rejected.raw == b"{not json"


def test_ndjson_with_windows_line_endings() -> None:
    items, bad = decode_body(dumps(order(1)) + b"\r\n" + dumps(order(2)) + b"\r\n")

    assert bad == []
    assert [i for i, _ in items] == [0, 1]


def test_an_overlong_bad_line_is_kept_truncated() -> None:
    _, [rejected] = decode_body(b"x" * 5_000)

    assert rejected.raw == b"x" * 2_000


def test_body_indices_line_up_with_validation_indices() -> None:
    body = b"\n".join([dumps(order(1)), b"oops", dumps(order(2, quantity=0))])

    items, bad = decode_body(body)
    good, rejected = validate_items("orders", items)

    assert [e.order_id for e in good] == ["DY241111000001"]
    assert [(r.index, r.field) for r in bad + rejected] == [(1, None), (2, "quantity")]


# -- encode_envelope -------------------------------------------------------------------------


def test_encoded_orders_round_trip_through_decode_trusted() -> None:
    orders, _ = decode_events("orders", dumps([order(1), order(2, city="杭州", amount="0.0001")]))

    raw = encode_envelope(orders)

    assert raw[:1] + raw[-1:] == b"[]"
    assert decode_trusted(Order, raw) == orders


def test_internal_records_round_trip() -> None:
    acts = [
        Activity(
            campaign_id="cmp-1",
            creative_id=None,
            shop_id="shop-1",
            ts=1.5e9,
            kind="click",
            spend=8500,
        ),
        Activity(
            campaign_id="cmp-1",
            creative_id="crv-3",
            shop_id="shop-1",
            ts=1.5e9,
            kind="order",
            gmv=3_360_000,
        ),
    ]

    assert decode_trusted(Activity, encode_envelope(acts)) == acts


def test_empty_envelope_round_trips() -> None:
    assert encode_envelope([]) == b"[]"
    assert decode_trusted(CampaignMinute, b"[]") == []


@given(
    st.lists(
        st.builds(
            CampaignMinute,
            minute=st.integers(0, 40_000_000),
            impressions=st.integers(0, 10**9),
            clicks=st.integers(0, 10**6),
            spend=st.integers(0, 10**13),
            gmv=st.integers(0, 10**13),
        ),
        max_size=5,
    )
)
def test_any_campaign_minutes_round_trip(minutes: list[CampaignMinute]) -> None:
    assert decode_trusted(CampaignMinute, encode_envelope(minutes)) == minutes


def test_trusted_decoding_gives_what_full_validation_gives() -> None:
    """Internal envelopes skip the costly field checks; the records come out the same."""
    from warroom.sim.traffic import Traffic
    from warroom.streams.codecs import decode_trusted

    ticks = Traffic(3).tick(1_700_000_000.0, 400)
    for model_name, items in (("orders", ticks["orders"]), ("clicks", ticks["clicks"])):
        full, bad = decode_events(model_name, orjson.dumps(items))
        raw = encode_envelope(full)
        model = type(full[0])

        assert not bad and decode_trusted(model, raw) == full
        assert [e.ts.timestamp() for e in decode_trusted(model, raw)] == [
            e.ts.timestamp() for e in full
        ]


def test_the_ingest_path_still_refuses_what_trusted_decoding_would_let_through() -> None:
    order = {
        "event_id": "e1",
        "ts": "2009-01-01T00:00:00Z",
        "order_id": "o1",
        "user_id": "u1",
        "ip": "not-an-ip",
        "shop_id": "s1",
        "sku": "k",
        "quantity": 1,
        "unit_price": "1",
        "amount": "1",
    }

    good, bad = decode_events("orders", orjson.dumps([order]))

    assert not good and bad[0].field in {"ts", "ip"}


def test_an_envelope_of_events_read_by_several_agents_is_validated_once() -> None:
    orders, _ = decode_events("orders", dumps([order(1), order(2)]))
    raw = encode_envelope(orders)

    again = bytes(bytearray(raw))  # another message with the same bytes

    first, second = decode_trusted(Order, raw), decode_trusted(Order, again)

    assert first == second == orders
    assert all(a is b for a, b in zip(first, second, strict=True))  # the same frozen events
    first.clear()  # each reader gets its own list
    assert decode_trusted(Order, raw) == orders


def test_recent_decodes_keep_only_the_last_few_envelopes() -> None:
    recent = RecentDecodes(size=2)
    raws = [encode_envelope(decode_events("orders", dumps([order(n)]))[0]) for n in range(3)]

    for raw in raws:
        recent.get(Order, raw)

    assert [raw for _, raw in recent.decoded] == raws[1:]
