"""Dead letters: every refused event keeps its source, position, field, reason and raw bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from warroom.streams.deadletter import RAW_KEEP, Source, reason_key, split


def payment(n: int, **changes: Any) -> dict[str, Any]:
    return {
        "event_id": f"pay-evt-{n:03d}",
        "ts": "2024-11-11T12:00:20Z",
        "payment_id": f"ALI20241111{n:05d}",
        "order_id": f"DY24111100{n:04d}",
        "amount": "336.00",
        "method": "alipay",
        "status": "success",
        **changes,
    }


def src(value: bytes | None, offset: int = 1042) -> Source:
    return Source(topic="warroom.v1.payments", partition=3, offset=offset, value=value)


def test_good_messages_make_no_dead_letters() -> None:
    good, dead, _ = split(
        "payments",
        [src(orjson.dumps([payment(1), payment(2)])), src(orjson.dumps(payment(3)), 1043)],
    )

    assert [e.payment_id for e in good] == [
        "ALI2024111100001",
        "ALI2024111100002",
        "ALI2024111100003",
    ]
    assert dead == []


def test_bad_json_becomes_one_dead_letter_with_its_source() -> None:
    before = datetime.now(UTC)

    good, [dead], _ = split("payments", [src(b'{"payment_id": "ALI1", ')])

    assert good == []
    assert (dead.source_topic, dead.partition, dead.offset) == ("warroom.v1.payments", 3, 1042)
    assert (dead.index, dead.field) == (None, None)
    assert dead.reason.startswith("not JSON")
    assert dead.raw == '{"payment_id": "ALI1", '
    assert before <= dead.received_at <= datetime.now(UTC)
    assert reason_key(dead) == "not JSON"


@pytest.mark.parametrize("value", [b"", None])
def test_an_empty_message_is_a_dead_letter_not_a_crash(value: bytes | None) -> None:
    good, [dead], _ = split("payments", [src(value)])

    assert good == []
    assert (dead.reason, dead.raw, dead.offset) == ("empty message", "", 1042)


def test_one_bad_item_in_an_envelope_of_three() -> None:
    items = [payment(1), payment(2, amount="-336.00"), payment(3)]

    good, [dead], _ = split("payments", [src(orjson.dumps(items), offset=77)])

    assert [e.payment_id for e in good] == ["ALI2024111100001", "ALI2024111100003"]
    assert (dead.offset, dead.index, dead.field) == (77, 1, "amount")
    assert "greater than or equal to 0" in dead.reason
    assert orjson.loads(dead.raw) == payment(2, amount="-336.00")
    assert reason_key(dead) == "amount"


def test_a_scalar_message_is_explained() -> None:
    _, [dead], _ = split("payments", [src(b"42")])

    assert dead.reason == "expected a JSON object or an array of objects"
    assert dead.raw == "42"


def test_one_bad_message_does_not_stop_the_batch() -> None:
    messages = [
        src(orjson.dumps(payment(1)), 10),
        src(b"", 11),
        src(b"<html>", 12),
        src(orjson.dumps(payment(4)), 13),
    ]

    good, dead, _ = split("payments", messages)

    assert [e.payment_id for e in good] == ["ALI2024111100001", "ALI2024111100004"]
    assert [(d.offset, reason_key(d)) for d in dead] == [(11, "empty message"), (12, "not JSON")]


def test_huge_raw_is_truncated() -> None:
    value = b'{"payment_id": "' + b"A" * (RAW_KEEP * 2)

    _, [dead], _ = split("payments", [src(value)])

    assert len(dead.raw) == RAW_KEEP
    assert dead.raw == value[:RAW_KEEP].decode()


def test_non_utf8_raw_is_kept_readable() -> None:
    _, [dead], _ = split("payments", [src(b"\xff\xfe garbage")])

    assert dead.raw.startswith("\ufffd")
    assert dead.raw.endswith(" garbage")


def test_reason_key_is_short_and_bounded() -> None:
    _, [dead], _ = split("payments", [src(orjson.dumps([payment(1, method="paypal" * 10)]))])

    assert dead.field == "method"
    assert reason_key(dead) == "method"
    _, [scalar], _ = split("payments", [src(b"null")])
    assert len(reason_key(scalar)) <= 40


def test_an_event_time_past_datetimes_range_is_a_dead_letter_not_a_crash() -> None:
    """Found by the hostile-input tests: converting such a time to UTC raised OverflowError,
    which escaped validation and crashed the ingest agent (its batch was lost)."""
    envelope = orjson.dumps([payment(1), payment(2, ts="9999-12-31T23:59:59-23:59"), payment(3)])
    good, dead, _ = split("payments", [src(envelope)])
    assert [e.payment_id for e in good] == ["ALI2024111100001", "ALI2024111100003"]
    [letter] = dead
    assert (letter.index, letter.field) == (1, "ts")
    assert "out of range" in letter.reason


def test_an_item_too_deep_to_write_back_is_still_a_dead_letter() -> None:
    """An item nested deeper than orjson writes (254 levels) no longer crashes the batch."""
    raw = b'[{"event_id": "e", "amount": ' + b'{"n":' * 600 + b'"x"' + b"}" * 600 + b"}]"
    good, dead, _ = split("payments", [src(raw)])
    assert good == []
    [letter] = dead
    assert letter.index == 0 and "nested too deeply" in letter.raw
