"""Allow-lists and snoozes: an allow-listed entity never gets a hit from that rule."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.base import Hit
from warroom.rules.risk import (
    duplicate_payment,
    entity_burst,
    night_surge,
    payment_failures,
    payment_mismatch,
    price_deviation,
    refund_spike,
    unknown_order_payment,
)
from warroom.rules.risk.price_stats import RunningMean
from warroom.rules.risk.suppression import AllowEntry, suppressed
from warroom.schemas.events import Payment

IP = "ip:203.0.113.45"
NOW = 1_731_326_400.0
BURST = Hit("risk.same_ip_burst", IP, 60, {"orders": 6}, {"max_orders": 5}, "6 orders from IP")


def entry(rule_id: str = "risk.same_ip_burst", entity: str = IP, **kw: float | None) -> AllowEntry:
    return AllowEntry(rule_id=rule_id, entity=entity, **kw)


@pytest.mark.parametrize(
    ("case", "entries", "silenced_by"),
    [
        ("no entries", [], None),
        ("allow-listed for this rule", [entry()], 0),
        ("allow-listed for every rule", [entry("*")], 0),
        ("allow-listed for another rule", [entry("risk.night_surge")], None),
        ("another entity allow-listed", [entry(entity="ip:198.51.100.7")], None),
        ("snoozed until later", [entry(expires_at=NOW + 3600)], 0),
        ("snooze ends right now", [entry(expires_at=NOW)], None),
        ("snooze ended an hour ago", [entry(expires_at=NOW - 3600)], None),
        ("an expired snooze beside an allow-list entry", [entry(expires_at=NOW - 1), entry()], 1),
        (
            "the longest snooze is reported",
            [entry(expires_at=NOW + 60), entry(expires_at=NOW + 600)],
            1,
        ),
        ("an allow-list entry outlasts any snooze", [entry(), entry("*", expires_at=NOW + 9e9)], 0),
    ],
)
def test_suppression_on_a_table_of_entries(
    case: str, entries: list[AllowEntry], silenced_by: int | None
) -> None:
    found = suppressed(BURST, entries, NOW)

    if silenced_by is None:
        assert found is None, case
    else:
        assert found is entries[silenced_by], case


def test_entries_of_the_events_other_entities_count_only_when_asked() -> None:
    shop = entry("*", "shop:ks_shop_77")

    assert suppressed(BURST, [shop], NOW) is None
    assert suppressed(BURST, [shop], NOW, also=("shop:ks_shop_77", "user:u1")) is shop


def test_entries_round_trip_through_json() -> None:
    snooze = entry(expires_at=NOW + 3600)
    assert AllowEntry.model_validate_json(snooze.model_dump_json()) == snooze


@pytest.mark.parametrize(
    "bad",
    [
        {"rule_id": "risk.same_ip_burst", "entity": "203.0.113.45"},  # no kind
        {"rule_id": "risk.same_ip_burst", "entity": "IP:203.0.113.45"},
        {"rule_id": "Risk Burst!", "entity": IP},
        {"rule_id": "", "entity": IP},
        {"rule_id": "*", "entity": IP, "expires_at": float("nan")},
        {"rule_id": "*", "entity": IP, "expires_at": -1},
        {"rule_id": "*", "entity": IP, "reason": "vip"},
    ],
)
def test_malformed_entries_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        AllowEntry.model_validate(bad)


# -- properties over every rule ---------------------------------------------------------------

T0 = 1_731_326_400
keys = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-.", min_size=1, max_size=12)


def a_payment(key: str, amount: str = "99.00", status: str = "success") -> Payment:
    return Payment.model_validate(
        {
            "event_id": f"evt-{key}",
            "ts": datetime(2024, 11, 11, 12, tzinfo=UTC),
            "payment_id": f"pay-{key}",
            "order_id": f"ord-{key}",
            "amount": amount,
            "method": "card",
            "status": status,
        }
    )


def burst_hit(kind: entity_burst.EntityKind, key: str) -> Hit | None:
    orders = [(T0 + i, f"o{i}") for i in range(6)]
    return entity_burst.entity_burst(kind, key, T0 + 5, orders, entity_burst.Params())


def surge_hit(scope: str, key: str) -> Hit | None:
    counts = night_surge.SlotCounts(scope, key, "Asia/Shanghai", orders=100, baseline=1.0)  # type: ignore[arg-type]
    return night_surge.night_surge(T0 + 6.5 * 3600, counts, night_surge.Params())


def failures_hit(kind: payment_failures.PayerKind, key: str) -> Hit | None:
    failed = [(T0 + i, f"p{i}") for i in range(4)]
    return payment_failures.payment_failures(kind, key, T0 + 3, failed, payment_failures.Params())


def refund_hit(scope: str, key: str) -> Hit | None:
    counts = refund_spike.RefundCounts(scope, key, 40, 30, 0.05)  # type: ignore[arg-type]
    return refund_spike.refund_spike(counts, refund_spike.Params())


def price_hit(key: str) -> Hit | None:
    history = RunningMean.seeded(100.0, 50)
    return price_deviation.price_deviation(key, Decimal("1.00"), history, price_deviation.Params())


def mismatch_hit(key: str) -> Hit | None:
    params = payment_mismatch.Params()
    return payment_mismatch.payment_mismatch(a_payment(key, "1.00"), Decimal("99.00"), params)


def unknown_hit(key: str) -> Hit | None:
    p = a_payment(key)
    params = unknown_order_payment.Params()
    return unknown_order_payment.unknown_order_payment(p, False, p.ts.timestamp() + 900, params)


def duplicate_hit(key: str) -> Hit | None:
    p = a_payment(key)
    earlier = duplicate_payment.Sighting("evt:earlier", T0 - 60, p.order_id, p.amount, "success")
    return duplicate_payment.duplicate_payment(p, earlier, duplicate_payment.Params())


kinds = st.sampled_from(["device", "user"])
payers = st.sampled_from(["user", "card"])
scopes = st.sampled_from(["shop", "sku"])
rule_hits = st.one_of(
    st.builds(burst_hit, kinds, keys),
    st.builds(surge_hit, scopes, keys),
    st.builds(failures_hit, payers, keys),
    st.builds(refund_hit, scopes, keys),
    st.builds(price_hit, keys),
    st.builds(mismatch_hit, keys),
    st.builds(unknown_hit, keys),
    st.builds(duplicate_hit, keys),
)


@given(rule_hits, st.one_of(st.none(), st.floats(1, 1e6)), st.booleans())
def test_an_allow_listed_entity_never_gets_a_hit_from_that_rule(
    hit: Hit | None, ahead_s: float | None, every_rule: bool
) -> None:
    assert hit is not None  # every builder above fires
    expires = None if ahead_s is None else NOW + ahead_s
    allow = AllowEntry(
        rule_id="*" if every_rule else hit.rule_id, entity=hit.entity, expires_at=expires
    )

    assert suppressed(hit, [allow], NOW) == allow


@given(rule_hits, st.floats(0, 1e6))
def test_an_ended_snooze_no_longer_silences(hit: Hit | None, ago_s: float) -> None:
    assert hit is not None
    snooze = AllowEntry(rule_id=hit.rule_id, entity=hit.entity, expires_at=NOW - ago_s)

    assert suppressed(hit, [snooze], NOW) is None


@given(rule_hits, rule_hits)
def test_an_entry_silences_only_its_own_rule_and_entity(
    first: Hit | None, second: Hit | None
) -> None:
    assert first is not None
    assert second is not None
    allow = AllowEntry(rule_id=first.rule_id, entity=first.entity)

    silenced = suppressed(second, [allow], NOW) is not None

    assert silenced == (second.rule_id == first.rule_id and second.entity == first.entity)
