"""The payment and commission agents' checkpoints: MessagePack since session 12 (their
pickled models cost ~15 µs an entry in the event loop). What a checkpoint restores equals
what was saved and goes on the same way; a checkpoint the code before wrote (pickled,
pydantic ``OrderMoney``) still loads with everything in it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from warroom.rules.commission.splits import PaidOrder
from warroom.rules.risk.duplicate_payment import Sighting
from warroom.schemas.commission import OrderMoney
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderSeen
from warroom.streams.commission_state import PICKLED_CLASSES, OrderLedger, upgrade
from warroom.streams.keyed_state import KeyedState
from warroom.streams.ledger import ParkingLot, Recent
from warroom.streams.partitioning import partition_for
from warroom.streams.payment_state import PaymentState

T0 = 1_790_000_000.0
#: Written by the code before session 12 (683fbd7) from the same values as ``old_*()``.
PICKLED_COMMISSIONS = base64.b64decode(
    "gAWVSwIAAAAAAABLAX2UKIwCbzGUjCB3YXJyb29tLnN0cmVhbXMuY29tbWlzc2lvbl9zdGF0ZZSMC09yZGVyTGVkZ2VylJOUKYGUfZQojAVvcmRlcpSMGndhcnJvb20uc2NoZW1hcy5jb21taXNzaW9ulIwKT3JkZXJNb25leZSTlCmBlH2UKIwIX19kaWN0X1+UfZQojARraW5klGgHjAhvcmRlcl9pZJRoAYwCdHOUR0HarE7gAAAAjAZhbW91bnSUjAdkZWNpbWFslIwHRGVjaW1hbJSTlIwDMTAwlIWUUpSMB3Nob3BfaWSUjAJzMZSMC2NhbXBhaWduX2lklIwCYzGUjAtjcmVhdGl2ZV9pZJSMAJSMCmNyZWF0b3JfaWSUjAJrMZSMCXJlZmVycmVyc5SMAmQxlIWUjApwYXltZW50X2lklGgejAZzdGF0dXOUaB51jBJfX3B5ZGFudGljX2V4dHJhX1+UTowXX19weWRhbnRpY19maWVsZHNfc2V0X1+Uj5QoaBFoIWgZaBBoH2gSaBtoD5CMFF9fcHlkYW50aWNfcHJpdmF0ZV9flE51YowEcGFpZJRoFYwCNjCUhZRSlIwLcGF5bWVudF9pZHOUj5QojAJwMZSQjAdwYWlkX2F0lEdB2qxO4UAAAIwEZG9uZZSJjAdsYXN0X3RzlEdB2qxO4UAAAHVijAJvMpRoBCmBlH2UKGgHTmgqaBWMBDkuOTCUhZRSlGguj5QojAJwMpSQaDFHQdqsTuHAAABoMoloM0dB2qxO4cAAAHVidYaULg=="
)
PICKLED_PAYMENTS = base64.b64decode(
    "gAWVmAIAAAAAAABLAV2UjAJvMZSMGHdhcnJvb20uc2NoZW1hcy5pbnRlcm5hbJSMCU9yZGVyU2VlbpSTlCmBlH2UKIwIX19kaWN0X1+UfZQojAhvcmRlcl9pZJRoAYwHc2hvcF9pZJSMAnMxlIwHdXNlcl9pZJSMAnUxlIwGYW1vdW50lIwHZGVjaW1hbJSMB0RlY2ltYWyUk5SMBDkuOTCUhZRSlIwCdHOUR0HarE7gAAAAdYwSX19weWRhbnRpY19leHRyYV9flE6MF19fcHlkYW50aWNfZmllbGRzX3NldF9flI+UKGgVaAxoCmgJaA6QjBRfX3B5ZGFudGljX3ByaXZhdGVfX5ROdWKGlGFdlIwCcDGUjCR3YXJyb29tLnJ1bGVzLnJpc2suZHVwbGljYXRlX3BheW1lbnSUjAhTaWdodGluZ5STlCmBlF2UKIwDcGUxlEdB2qw5AAAAAIwCbzGUaBGMBDkuOTCUhZRSlIwHc3VjY2Vzc5RlYoaUYV2UjBZ3YXJyb29tLnNjaGVtYXMuZXZlbnRzlIwHUGF5bWVudJSTlCmBlH2UKGgHfZQojAhldmVudF9pZJSMA3BlOZRoFYwIZGF0ZXRpbWWUjAhkYXRldGltZZSTlEMKB+oJFQgAAAAAAJRoMowIdGltZXpvbmWUk5RoMowJdGltZWRlbHRhlJOUSwBLAEsAh5RSlIWUUpSGlFKUjApwYXltZW50X2lklIwCcDmUaAmMCW8tdW5rbm93bpRoDmgRjAQ1LjAwlIWUUpSMBm1ldGhvZJSMBGNhcmSUjAZzdGF0dXOUjAZmYWlsZWSUjAljYXJkX2hhc2iUjAJoMZR1aBZOaBePlChoFWhGaEhoCWhKaA5oMGhAkGgZTnViYYeUhpQu"
)


def payment(n: int, order_id: str, status: str = "success") -> Payment:
    return Payment.model_validate(
        {
            "event_id": f"pe{n}",
            "ts": "2026-09-21T08:00:00Z",
            "payment_id": f"p{n}",
            "order_id": order_id,
            "amount": "9.90",
            "method": "card",
            "status": status,
            "card_hash": "h1" if n % 2 else None,
        }
    )


Memory = tuple[Recent[OrderSeen], Recent[Sighting], ParkingLot]


def memory() -> Memory:
    return Recent[OrderSeen](7200, 1000), Recent[Sighting](7200, 1000), ParkingLot(1000)


Held = tuple[
    list[tuple[str, OrderSeen | None]], list[tuple[str, Sighting | None]], list[Payment], float
]


def held(m: Memory) -> Held:
    orders, sightings, parked = m
    return (
        [(k, orders.get(k)) for k in orders.ids()],
        [(k, sightings.get(k)) for k in sightings.ids()],
        sorted(parked.payments(), key=lambda p: p.event_id),
        orders.watermark,
    )


@pytest.mark.parametrize("partitions", [1, 4])
def test_payment_memory_restores_as_it_was_saved(partitions: int) -> None:
    saved = memory()
    orders, sightings, parked = saved
    for n in range(30):
        seen = OrderSeen(
            order_id=f"o{n}", shop_id=f"s{n % 3}", user_id=f"u{n % 7}",
            amount=Decimal(f"{n}.{n:02d}"), ts=T0 + n,
        )  # fmt: skip
        orders.put(seen.order_id, seen.ts, seen)
        sightings.put(f"p{n}", T0 + n + 0.5, Sighting.of(payment(n, f"o{n}")))
        parked.park(payment(100 + n, f"o-unknown{n}", "failed"))
    state = PaymentState(*saved, lambda item: None, partitions)
    for p in range(partitions):
        restored = memory()
        PaymentState(*restored, lambda item: None, partitions).load(p, state.dump(p))

        mine = [f"o{n}" for n in range(30) if partition_for(f"o{n}", partitions) == p]
        assert restored[0].ids() == mine
        orders_were, sightings_were, parked_were, _ = held(saved)
        orders_now, sightings_now, parked_now, _ = held(restored)
        assert orders_now == [(k, v) for k, v in orders_were if k in mine]
        assert sightings_now == [(k, s) for k, s in sightings_were if s and s.order_id in mine]
        assert parked_now == [x for x in parked_were if partition_for(x.order_id, partitions) == p]
    # a whole worker's memory, moved to a fresh one and back, is the same memory
    if partitions == 1:
        restored = memory()
        PaymentState(*restored, lambda item: None, 1).load(0, state.dump(0))
        assert held(restored) == held(saved)
        assert restored[0].get("o7") == OrderSeen(
            order_id="o7", shop_id="s1", user_id="u0", amount=Decimal("7.07"), ts=T0 + 7
        )


def test_a_pickled_payment_checkpoint_of_before_still_loads() -> None:
    restored = memory()
    PaymentState(*restored, lambda item: None, 1).load(0, PICKLED_PAYMENTS)
    orders, sightings, parked = restored

    assert orders.get("o1") == OrderSeen(
        order_id="o1", shop_id="s1", user_id="u1", amount=Decimal("9.90"), ts=T0
    )
    paid_at = datetime(2026, 9, 21, 8, tzinfo=UTC).timestamp()
    assert sightings.get("p1") == Sighting("pe1", paid_at, "o1", Decimal("9.90"), "success")
    [waiting] = parked.payments()
    assert (waiting.order_id, waiting.status, waiting.card_hash, waiting.amount) == (
        "o-unknown",
        "failed",
        "h1",
        Decimal("5.00"),
    )


def test_a_checkpoint_of_another_kind_is_refused() -> None:
    state = PaymentState(*memory(), lambda item: None, 1)
    with pytest.raises(ValueError, match="format 7, expected 2"):
        state.load(0, b"\x92\x07\x93\x90\x90\x90")  # MessagePack, format 7
    with pytest.raises(ValueError, match="not readable"):
        state.load(0, b"\x92\x02\x93\x90\x90\x91\x05")  # format 2, a parked payment not bytes


def order_money(order_id: str, amount: str) -> OrderMoney:
    return OrderMoney(
        kind="order", order_id=order_id, ts=T0, amount=Decimal(amount),
        shop_id="s1", campaign_id="c1", creator_id="k1", referrers=("d1",),
    )  # fmt: skip


def paid(order_id: str, n: int, amount: str) -> OrderMoney:
    return OrderMoney(
        kind="payment", order_id=order_id, ts=T0 + n, amount=Decimal(amount),
        payment_id=f"p{n}", status="success",
    )  # fmt: skip


def ledgers(partitions: int = 1) -> KeyedState[OrderLedger]:
    return KeyedState(partitions, lambda raw: None, OrderLedger, upgrade, PICKLED_CLASSES)


def test_commission_ledgers_restore_as_they_were_saved_and_go_on_the_same_way() -> None:
    saved = ledgers()
    for n in range(20):
        ledger = saved.items.setdefault(f"o{n}", OrderLedger())
        if n % 4:
            ledger.add(order_money(f"o{n}", "100"))
        if n % 3:
            ledger.add(paid(f"o{n}", n, "40"))
        ledger.done = n % 5 == 0
    restored = ledgers()
    restored.load(0, saved.dump(0))

    assert restored.items == saved.items
    assert all(type(v.order) is OrderMoney for v in restored.items.values() if v.order)
    for state in (saved, restored):  # a second payment: both pay out the same order
        state.items["o2"].add(paid("o2", 99, "70"))
    assert (
        restored.items["o2"].ready()
        == saved.items["o2"].ready()
        == PaidOrder("o2", "s1", Decimal("100"), "k1", ("d1",))
    )


def test_commission_ledgers_move_with_their_partition() -> None:
    saved = ledgers(4)
    for n in range(20):
        saved.items[f"o{n}"] = OrderLedger()
        saved.items[f"o{n}"].add(order_money(f"o{n}", "10"))
    p = partition_for("o3", 4)
    restored = ledgers(4)
    restored.load(p, saved.dump(p))
    assert sorted(restored.items) == sorted(k for k in saved.items if partition_for(k, 4) == p)


def test_a_pickled_commission_checkpoint_of_before_still_loads() -> None:
    restored = ledgers()
    restored.load(0, PICKLED_COMMISSIONS)

    first, second = restored.items["o1"], restored.items["o2"]
    assert first.order == order_money("o1", "100")
    assert (first.paid, first.payment_ids, first.paid_at) == (Decimal("60"), {"p1"}, T0 + 5)
    assert first.ready() == PaidOrder("o1", "s1", Decimal("60"), "k1", ("d1",))
    assert second.order is None and second.payment_ids == {"p2"}
    second.add(order_money("o2", "9.90"))  # its order comes after the upgrade
    assert second.ready() == PaidOrder("o2", "s1", Decimal("9.90"), "k1", ("d1",))
