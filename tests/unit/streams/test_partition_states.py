"""Checkpoint round trips: each recovering state's partition, dumped and loaded into a
fresh worker's state, holds what the first worker held for that partition, no more."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.streams.test_risk_state import order
from warroom.rules.risk.duplicate_payment import Sighting
from warroom.rules.risk.refund_spike import Params
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderOrPayment, OrderSeen, ShopSale
from warroom.streams.codecs import encode_envelopes
from warroom.streams.ledger import ParkingLot, Recent
from warroom.streams.night import NightTally
from warroom.streams.partitioning import partition_for
from warroom.streams.payment_state import PaymentState
from warroom.streams.price_state import PriceState
from warroom.streams.prices import SkuPrices
from warroom.streams.refunds import RefundTally
from warroom.streams.shop_state import ShopState, ShopTally

PARTITIONS = 4
T0 = 1_790_000_000.0  # 2026-09


def test_sku_averages_move_with_their_partition() -> None:
    prices = SkuPrices()
    skus = [f"k{n}" for n in range(12)]
    for n, sku in enumerate(skus):
        prices.learn(order(T0, n, price=f"{10 + n}.00", sku=sku))
    fresh = SkuPrices()
    state, into = PriceState(lambda: prices, PARTITIONS), PriceState(lambda: fresh, PARTITIONS)

    into.load(2, state.dump(2))

    mine = sorted(s for s in skus if partition_for(s, PARTITIONS) == 2)
    assert mine and sorted(fresh.skus()) == mine
    assert all(fresh.history(s).mean == prices.history(s).mean for s in mine)


def payment(order_id: str, n: int) -> Payment:
    return Payment.model_validate(
        {
            "event_id": f"pe{n}",
            "ts": "2026-09-21T08:00:00Z",
            "payment_id": f"p{n}",
            "order_id": order_id,
            "amount": "9.90",
            "method": "alipay",
            "status": "success",
        }
    )


def memory() -> tuple[Recent[OrderSeen], Recent[Sighting], ParkingLot]:
    return Recent[OrderSeen](7200, 1000), Recent[Sighting](7200, 1000), ParkingLot(1000)


def test_payment_memory_moves_with_its_orders_partition_and_replays() -> None:
    orders, sightings, parked = memory()
    for n in range(10):
        seen = OrderSeen(
            order_id=f"o{n}", shop_id="s1", user_id="u1", amount=Decimal("9.90"), ts=T0
        )
        orders.put(seen.order_id, T0, seen)
        pay = payment(f"o{n}", n)
        sightings.put(pay.payment_id, T0, Sighting.of(pay))
    parked.park(payment("o-unknown", 99))
    first = PaymentState(orders, sightings, parked, lambda item: None, PARTITIONS)
    p = partition_for("o-unknown", PARTITIONS)

    fresh = memory()
    second = PaymentState(*fresh, lambda item: None, PARTITIONS)
    second.load(p, first.dump(p))

    mine = {f"o{n}" for n in range(10) if partition_for(f"o{n}", PARTITIONS) == p}
    assert set(fresh[0].ids()) == mine
    assert {s.order_id for k in fresh[1].ids() if (s := fresh[1].get(k))} == mine
    assert [x.order_id for x in fresh[2].payments()] == ["o-unknown"]

    replayed: list[OrderOrPayment] = []
    second.remember = replayed.append
    second.replay(encode_envelopes([OrderOrPayment(payment=payment("o1", 1))]))
    assert [r.payment.payment_id for r in replayed if r.payment] == ["p1"]


def test_night_counts_and_refund_tallies_move_with_their_shops_partition() -> None:
    night, refunds = NightTally(), RefundTally()
    shops = [f"s{n}" for n in range(8)]
    for shop in shops:
        night.add("shop", shop, T0)
        night.add("sku", f"{shop}-k", T0, shop=shop)
        for n in range(3):
            kind = "refund" if n == 0 else "order"
            refunds.add(
                ShopSale(
                    kind=kind,
                    id=f"{shop}{n}",
                    order_id=f"{shop}o{n}",
                    shop_id=shop,
                    sku=f"{shop}-k",
                    ts=T0,
                )
            )
    p = partition_for("s3", PARTITIONS)
    mine = [s for s in shops if partition_for(s, PARTITIONS) == p]
    new_night, new_refunds = NightTally(), RefundTally()

    def moved(tally: ShopTally, into: ShopTally) -> None:
        out = ShopState(lambda: tally, lambda raw: None, PARTITIONS)
        ShopState(lambda: into, lambda raw: None, PARTITIONS).load(p, out.dump(p))

    moved(night, new_night)
    moved(refunds, new_refunds)

    assert all(new_night.count("sku", f"{s}-k", T0, T0) == 1 for s in mine)
    assert all(new_night.count("shop", s, T0, T0) == 0 for s in shops if s not in mine)
    counts = new_refunds.counts("shop", "s3", T0, Params())
    assert (counts.paid_orders, counts.refunds) == (2, 1)
