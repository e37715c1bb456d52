"""Checkpoints of the payment and commission agents: today's dump and load against
pickling the same state the way the code before session 12 did, side by side.

    .venv/bin/python benchmarks/bench_checkpoints.py [--sizes 10000 50000] [--rounds 3]

A checkpoint is written in the event loop every ``WARROOM_CHECKPOINT_INTERVAL_S`` (5 s)
of the whole partition's state, so its time is a stall of every agent of the worker.
The payment agent remembers orders and payment ids for a day (up to 1,000,000), the
commission agent orders for a week. Each size builds one state of that many orders (and
as many payments; one parked payment in a hundred), on one partition (the embedded
default). Prints the best of ``--rounds`` per figure, the checkpoint's size, and the
ratios.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from warroom.rules.risk.duplicate_payment import Sighting
from warroom.schemas.commission import OrderMoney
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderSeen
from warroom.streams.commission_state import OrderLedger
from warroom.streams.keyed_state import KeyedState
from warroom.streams.ledger import ParkingLot, Recent
from warroom.streams.payment_state import PaymentState
from warroom.streams.snapshots import pack, unpack

T0 = 1_790_000_000.0


def payment_state(n: int) -> PaymentState:
    orders = Recent[OrderSeen](86_400, 1_000_000)
    sightings = Recent[Sighting](86_400, 1_000_000)
    parked = ParkingLot(200_000)
    for i in range(n):
        ts = T0 + i * 0.05
        order = OrderSeen(
            order_id=f"o-{i:010d}", shop_id=f"s{i % 300}", user_id=f"u{i % 20_000}",
            amount=Decimal(f"{10 + i % 500}.90"), ts=ts,
        )  # fmt: skip
        orders.put(order.order_id, ts, order)
        sightings.put(
            f"p-{i:010d}",
            ts + 3,
            Sighting(f"e-{i}", ts + 3, order.order_id, order.amount, "success"),
        )
        if i % 100 == 0:
            parked.park(
                Payment.model_validate(
                    {
                        "event_id": f"pe-{i}", "ts": ts, "payment_id": f"px-{i}",
                        "order_id": f"unknown-{i}", "amount": "19.90", "method": "card",
                        "status": "failed", "card_hash": f"h{i % 50}",
                    }
                )
            )  # fmt: skip
    return PaymentState(orders, sightings, parked, lambda item: None, 1)


def pickled_payments(state: PaymentState) -> bytes:
    """What ``PaymentState.dump`` wrote before session 12 (format 1)."""
    orders = [(k, state.orders.get(k)) for k in state.orders.ids()]
    sightings = [(k, state.sightings.get(k)) for k in state.sightings.ids()]
    return pack(1, (orders, sightings, state.parked.payments()))


def commission_state(n: int) -> KeyedState[OrderLedger]:
    state: KeyedState[OrderLedger] = KeyedState(1, lambda raw: None, OrderLedger)
    for i in range(n):
        order_id = f"o-{i:010d}"
        ledger = state.items[order_id] = OrderLedger()
        ledger.add(
            OrderMoney(
                kind="order", order_id=order_id, ts=T0 + i, amount=Decimal("129.90"),
                shop_id=f"s{i % 300}", campaign_id=f"c{i % 900}", creative_id=f"cr{i % 3000}",
                creator_id=f"k{i % 200}", referrers=(f"d{i % 40}",),
            )
        )  # fmt: skip
        ledger.add(
            OrderMoney(
                kind="payment", order_id=order_id, ts=T0 + i + 5, amount=Decimal("129.90"),
                payment_id=f"p-{i}", status="success",
            )
        )  # fmt: skip
        ledger.done = True
    return state


def best(fn: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def row(name: str, n: int, new: tuple[float, bytes], old: tuple[float, bytes]) -> None:
    (t_new, b_new), (t_old, b_old) = new, old
    print(
        f"{name:<12} {n:>9,} {t_new * 1000:>9.1f} {t_old * 1000:>10.1f} {t_old / t_new:>7.1f}x"
        f" {len(b_new) / 1e6:>8.1f} {len(b_old) / 1e6:>8.1f}"
    )


def measure(n: int, rounds: int) -> list[tuple[str, float, float]]:
    """Print the dump rows of size ``n``; returns the loads' (name, today, unpickle)."""
    payments = payment_state(n)
    new = best(lambda: payments.dump(0), rounds)
    old = best(lambda: pickled_payments(payments), rounds)
    row("payments", n, new, old)
    fresh = PaymentState(Recent(86_400, 10**6), Recent(86_400, 10**6), ParkingLot(10**6), print, 1)
    loads = [
        (
            "payments",
            best(lambda: fresh.load(0, new[1]), rounds)[0],
            best(lambda: unpack(old[1], 1), rounds)[0],
        )
    ]
    commissions = commission_state(n)
    new = best(lambda: commissions.dump(0), rounds)
    old = best(lambda: pack(1, dict(commissions.items)), rounds)
    row("commissions", n, new, old)
    again: KeyedState[OrderLedger] = KeyedState(1, lambda raw: None, OrderLedger)
    loads.append(
        (
            "commissions",
            best(lambda: again.load(0, new[1]), rounds)[0],
            best(lambda: unpack(old[1], 1), rounds)[0],
        )
    )
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}; best of {args.rounds}")
    head = ("dump", "orders", "today ms", "pickled ms", "ratio", "MB", "MB pkl")
    print("{:<12} {:>9} {:>9} {:>10} {:>8} {:>8} {:>8}".format(*head))
    loads = [(n, *load) for n in args.sizes for load in measure(n, args.rounds)]
    print(f"\n{'load':<12} {'orders':>9} {'today ms':>9} {'unpickle ms':>11}")
    for n, name, t_new, t_old in loads:
        print(f"{name:<12} {n:>9,} {t_new * 1000:>9.1f} {t_old * 1000:>11.1f}")


if __name__ == "__main__":
    main()
