"""Wire events (warroom.v1): what platforms may send, and what is refused with which field."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.schemas.events import (
    EVENT_TYPES,
    Click,
    Follow,
    Order,
    Payment,
    PrivateMessage,
    Refund,
    Search,
    StockLevel,
)
from warroom.schemas.types import money_units

CLICK: dict[str, Any] = {
    "event_id": "clk-7c1e0a",
    "ts": "2024-11-11T12:00:00Z",
    "kind": "click",
    "shop_id": "shop-hz-tea-007",
    "campaign_id": "cmp-double11-01",
    "creative_id": "crv-tea-unboxing-3",
    "creator_id": "kol-xiaoming",
    "product_id": "LONGJING-250G",
    "viewer": {"viewer_id": "dy_v_88412", "gender": "f", "age_band": "24-30", "city": "杭州"},
    "cost": 0.85,
    "watch_time_s": 12.5,
    "video_length_s": 31,
}
ORDER: dict[str, Any] = {
    "event_id": "ord-evt-001",
    "ts": "2024-11-11T12:00:05Z",
    "order_id": "DY2411110001",
    "user_id": "dy_u_5521",
    "ip": "203.0.113.45",
    "device_id": "ios-a1b2c3",
    "shop_id": "shop-hz-tea-007",
    "sku": "LONGJING-250G",
    "quantity": 2,
    "unit_price": 168.0,
    "amount": "336.00",
    "campaign_id": "cmp-double11-01",
    "channel": "live",
    "city": "杭州",
}
PAYMENT: dict[str, Any] = {
    "event_id": "pay-evt-001",
    "ts": "2024-11-11T12:00:20Z",
    "payment_id": "ALI2024111100001",
    "order_id": "DY2411110001",
    "amount": "336.00",
    "method": "alipay",
    "status": "success",
}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def without(base: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in base.items() if k != field}


def refused_field(model: type, data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as err:
        model.model_validate(data)
    return ".".join(str(p) for p in err.value.errors()[0]["loc"])


def test_a_valid_click_is_read_with_types() -> None:
    click = Click.model_validate(CLICK)

    assert click.kind == "click"
    assert click.cost == Decimal("0.85")
    assert click.viewer.city == "杭州"
    assert click.viewer.spending_power is None
    assert click.ts == datetime(2024, 11, 11, 12, 0, tzinfo=UTC)


def test_a_valid_order_is_read_with_exact_money() -> None:
    order = Order.model_validate(ORDER)

    assert order.unit_price == Decimal("168")
    assert order.amount == Decimal("336.00")
    assert order.quantity == 2
    assert order.channel == "live"


def test_a_valid_payment_is_read() -> None:
    payment = Payment.model_validate(PAYMENT)

    assert (payment.method, payment.status, payment.card_hash) == ("alipay", "success", None)


def test_topics_map_to_their_event_models() -> None:
    assert dict(EVENT_TYPES) == {
        "clicks": Click,
        "orders": Order,
        "payments": Payment,
        "refunds": Refund,
        "stock": StockLevel,
        "searches": Search,
        "messages": PrivateMessage,
        "follows": Follow,
    }


def test_optional_fields_take_their_defaults() -> None:
    minimal = without(without(without(ORDER, "campaign_id"), "channel"), "device_id")
    order = Order.model_validate(minimal)

    assert (order.campaign_id, order.channel, order.device_id) == (None, "other", None)


def test_unknown_fields_from_platforms_are_ignored() -> None:
    order = Order.model_validate(with_(ORDER, coupon_code="D11-50OFF", risk_tags=["vip"]))

    assert not hasattr(order, "coupon_code")


def test_events_are_frozen() -> None:
    order = Order.model_validate(ORDER)
    with pytest.raises(ValidationError):
        order.amount = Decimal("1")  # type: ignore[misc]


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (Order, with_(ORDER, quantity="two"), "quantity"),
        (Order, with_(ORDER, quantity=1.5), "quantity"),
        (Order, with_(ORDER, quantity=0), "quantity"),
        (Order, with_(ORDER, quantity=100_001), "quantity"),
        (Order, with_(ORDER, order_id=2411110001), "order_id"),
        (Order, with_(ORDER, amount=[336]), "amount"),
        (Order, with_(ORDER, amount="336 CNY"), "amount"),
        (Order, with_(ORDER, channel="tv"), "channel"),
        (Order, with_(ORDER, ts="yesterday"), "ts"),
        (Click, with_(CLICK, kind="view"), "kind"),
        (Click, with_(CLICK, viewer="dy_v_88412"), "viewer"),
        (
            Click,
            with_(CLICK, viewer={**CLICK["viewer"], "spending_power": 6}),
            "viewer.spending_power",
        ),
        (Click, with_(CLICK, viewer={**CLICK["viewer"], "gender": "x"}), "viewer.gender"),
        (Click, with_(CLICK, watch_time_s=-1), "watch_time_s"),
        (Click, with_(CLICK, video_length_s=0), "video_length_s"),
        (Payment, with_(PAYMENT, method="bitcoin"), "method"),
        (Payment, with_(PAYMENT, status="ok"), "status"),
    ],
)
def test_wrong_types_and_values_are_refused_naming_the_field(
    model: type, data: dict[str, Any], field: str
) -> None:
    assert refused_field(model, data) == field


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        *[
            (Order, ORDER, f)
            for f in (
                "event_id",
                "ts",
                "order_id",
                "user_id",
                "ip",
                "shop_id",
                "sku",
                "quantity",
                "unit_price",
                "amount",
            )
        ],
        *[(Click, CLICK, f) for f in ("kind", "shop_id", "campaign_id", "creative_id", "viewer")],
        *[(Payment, PAYMENT, f) for f in ("payment_id", "order_id", "amount", "method", "status")],
    ],
)
def test_missing_required_fields_are_refused(model: type, data: dict[str, Any], field: str) -> None:
    assert refused_field(model, without(data, field)) == field


def test_missing_viewer_id_is_refused_inside_the_viewer() -> None:
    assert refused_field(Click, with_(CLICK, viewer={"gender": "m"})) == "viewer.viewer_id"


# -- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("336", Decimal("336")),
        (19.99, Decimal("19.99")),
        ("0.0001", Decimal("0.0001")),
        ("12.34500", Decimal("12.345")),
        (0, Decimal("0")),
        ("1000000000", Decimal("1000000000")),
    ],
)
def test_money_with_up_to_four_decimals_is_exact(value: Any, expected: Decimal) -> None:
    assert Order.model_validate(with_(ORDER, amount=value)).amount == expected


@pytest.mark.parametrize(
    "value", [-0.01, "-336", "12.34567", 0.00001, "1000000000.01", "NaN", "Infinity"]
)
def test_negative_overprecise_huge_or_non_finite_money_is_refused(value: Any) -> None:
    assert refused_field(Order, with_(ORDER, amount=value)) == "amount"
    assert refused_field(Click, with_(CLICK, cost=value)) == "cost"


@given(st.decimals(min_value=0, max_value=1_000_000, places=4, allow_nan=False))
def test_money_units_are_exact_ten_thousandths(amount: Decimal) -> None:
    units = money_units(amount)
    assert Decimal(units) / 10_000 == amount


def test_money_units_of_a_typical_price() -> None:
    assert money_units(Order.model_validate(with_(ORDER, amount=19.99)).amount) == 199_900


# -- event time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-11-11T12:00:00Z", datetime(2024, 11, 11, 12, tzinfo=UTC)),
        ("2024-11-11T20:00:00+08:00", datetime(2024, 11, 11, 12, tzinfo=UTC)),
        ("2024-11-11T12:00:00", datetime(2024, 11, 11, 12, tzinfo=UTC)),
        (1_731_326_400, datetime(2024, 11, 11, 12, tzinfo=UTC)),
        (1_731_326_400_000, datetime(2024, 11, 11, 12, tzinfo=UTC)),
        ("2015-01-01T00:00:00Z", datetime(2015, 1, 1, tzinfo=UTC)),
    ],
)
def test_event_times_are_utc_and_naive_times_read_as_utc(value: Any, expected: datetime) -> None:
    ts = Order.model_validate(with_(ORDER, ts=value)).ts

    assert ts == expected
    assert ts.utcoffset() == timedelta(0)


def test_an_offset_time_is_converted_not_relabelled() -> None:
    beijing = datetime(2024, 11, 11, 20, 0, tzinfo=timezone(timedelta(hours=8)))

    ts = Order.model_validate(with_(ORDER, ts=beijing)).ts

    assert (ts.hour, ts.tzinfo) == (12, UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2014-12-31T23:59:59Z",
        "1970-01-01T00:00:00Z",
        0,
        "2015-01-01T07:59:59+08:00",
    ],
)
def test_event_times_before_2015_are_refused(value: Any) -> None:
    assert refused_field(Order, with_(ORDER, ts=value)) == "ts"


def test_event_times_more_than_a_day_ahead_are_refused() -> None:
    too_far = datetime.fromtimestamp(time.time() + 25 * 3600, UTC)

    assert refused_field(Payment, with_(PAYMENT, ts=too_far.isoformat())) == "ts"


def test_producer_clock_skew_under_a_day_is_accepted() -> None:
    skewed = datetime.fromtimestamp(time.time() + 23 * 3600, UTC).replace(microsecond=0)

    assert Payment.model_validate(with_(PAYMENT, ts=skewed.isoformat())).ts == skewed


# -- strings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["event_id", "order_id", "user_id", "shop_id", "sku", "device_id", "campaign_id"]
)
def test_ids_up_to_64_characters_are_accepted_and_longer_refused(field: str) -> None:
    assert getattr(Order.model_validate(with_(ORDER, **{field: "x" * 64})), field) == "x" * 64
    assert refused_field(Order, with_(ORDER, **{field: "x" * 65})) == field


def test_viewer_id_is_bounded_like_every_id() -> None:
    viewer = {**CLICK["viewer"], "viewer_id": "v" * 65}

    assert refused_field(Click, with_(CLICK, viewer=viewer)) == "viewer.viewer_id"


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_ids_are_refused(value: str) -> None:
    assert refused_field(Order, with_(ORDER, order_id=value)) == "order_id"


def test_ids_are_stripped_of_surrounding_whitespace() -> None:
    assert Order.model_validate(with_(ORDER, shop_id=" shop-hz-tea-007\n")).shop_id == (
        "shop-hz-tea-007"
    )


def test_free_text_is_bounded_at_256_characters() -> None:
    assert Order.model_validate(with_(ORDER, city="杭" * 256)).city == "杭" * 256
    assert refused_field(Order, with_(ORDER, city="杭" * 257)) == "city"


# -- IP addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("203.0.113.45", "203.0.113.45"),
        (" 203.0.113.45 ", "203.0.113.45"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:DB8:85A3::8A2E:370:7334", "2001:db8:85a3::8a2e:370:7334"),
        ("240e:0388:8a1c:0000::0001", "240e:388:8a1c::1"),
        ("::ffff:203.0.113.45", "203.0.113.45"),  # IPv4-mapped: the same client
    ],
)
def test_ips_are_normalised_so_one_client_is_one_key(value: str, expected: str) -> None:
    assert Order.model_validate(with_(ORDER, ip=value)).ip == expected


@pytest.mark.parametrize(
    "value",
    ["", "256.1.1.1", "203.0.113", "203.0.113.45.1", "shop.example.cn", "2001:db8::g1", "1" * 65],
)
def test_invalid_ips_are_refused(value: str) -> None:
    assert refused_field(Order, with_(ORDER, ip=value)) == "ip"
