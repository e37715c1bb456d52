"""Judge payments against their order, which shares their partition (keyed by order id):
amount mismatch, duplicate payment id, and payment for an order unseen after a grace period.

Payments whose order is unknown are parked; the order's arrival releases them (and
judges their amounts), a timer judges those still parked once their grace has passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.base import Hit
from warroom.rules.risk import duplicate_payment, payment_mismatch, unknown_order_payment
from warroom.rules.risk.duplicate_payment import Sighting
from warroom.rules.risk.verdict import payment_verdict_for
from warroom.rules.rulebook import RuleVersion, rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderOrPayment, OrderSeen
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.allow_list import allow_list
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.handover import hand_over
from warroom.streams.judging import payment_entities, send_verdicts
from warroom.streams.ledger import ParkingLot, Recent
from warroom.streams.payers import payer_attempts
from warroom.streams.payment_state import PaymentState
from warroom.streams.recovery import Recovery, admitted, follow_partitions

_s = get_settings()
#: How long (event time) orders and payment ids are remembered, and how many at most.
HORIZON_S = duplicate_payment.MEMORY_S
MAX_REMEMBERED = 1_000_000
orders = Recent[OrderSeen](HORIZON_S, MAX_REMEMBERED)
sightings = Recent[Sighting](HORIZON_S, MAX_REMEMBERED)
parked = ParkingLot(max_items=200_000)

Hits = list[tuple[Hit, RuleVersion]]


def _live(rule_id: str) -> RuleVersion | None:
    rule = rulebook.current(rule_id)
    return None if rule.mode == "off" else rule


def _verdict(payment: Payment, order: OrderSeen | None, hits: Hits, now: datetime) -> list[Verdict]:
    hits = allow_list.standing(hits, payment_entities(payment, order), now.timestamp())
    verdict = payment_verdict_for(payment, order, hits, rulebook.current("risk.thresholds"), now)
    return [verdict] if verdict else []


def mismatch(payment: Payment, order: OrderSeen) -> Hits:
    rule = _live(payment_mismatch.RULE_ID)
    if rule is None:
        return []
    params = cast(payment_mismatch.Params, rule.params)
    hit = payment_mismatch.payment_mismatch(payment, order.amount, params)
    return [(hit, rule)] if hit else []


def duplicate(payment: Payment, now: datetime) -> Hits:
    earlier = sightings.get(payment.payment_id)
    if earlier is None or earlier.event_id != payment.event_id:
        sighting = Sighting.of(payment)
        sightings.put(payment.payment_id, sighting.ts, sighting, now=now.timestamp())
    rule = _live(duplicate_payment.RULE_ID)
    if rule is None:
        return []
    params = cast(duplicate_payment.Params, rule.params)
    hit = duplicate_payment.duplicate_payment(payment, earlier, params)
    return [(hit, rule)] if hit else []


def judge_payment(payment: Payment, now: datetime) -> list[Verdict]:
    hits = duplicate(payment, now)
    order = orders.get(payment.order_id)
    payer_attempts.note(payment, order)
    if order is not None:
        hits += mismatch(payment, order)
    elif not parked.park(payment):
        stats.count("payments.parking_full")
    return _verdict(payment, order, hits, now)


def judge_order(order: OrderSeen, now: datetime) -> list[Verdict]:
    """Remember the order; judge the payments that were waiting for it."""
    orders.put(order.order_id, order.ts, order, now=now.timestamp())
    released = parked.release(order.order_id)
    for payment in released:
        payer_attempts.note(payment, order, card=False)  # noted by card when it came
    return [v for p in released for v in _verdict(p, order, mismatch(p, order), now)]


def judge_parked(now: datetime) -> list[Verdict]:
    """Payments whose order is still unknown after the grace period leave the lot, judged."""
    rule = rulebook.current(unknown_order_payment.RULE_ID)
    params = cast(unknown_order_payment.Params, rule.params)
    verdicts = []
    for payment in parked.payments():
        hit = unknown_order_payment.unknown_order_payment(payment, False, now.timestamp(), params)
        if hit is not None:
            parked.remove(payment)
            if rule.mode != "off":
                verdicts += _verdict(payment, None, [(hit, rule)], now)
    return verdicts


def remember(item: OrderOrPayment) -> None:
    """What judging ``item`` would change in memory, judging nothing (replays)."""
    if item.order is not None:
        orders.put(item.order.order_id, item.order.ts, item.order)
        parked.release(item.order.order_id)  # judged when it came the first time
    elif (payment := item.payment) is not None:
        earlier = sightings.get(payment.payment_id)
        if earlier is None or earlier.event_id != payment.event_id:
            sightings.put(payment.payment_id, payment.ts.timestamp(), Sighting.of(payment))
        if orders.get(payment.order_id) is None:
            parked.park(payment)


recovery = Recovery(
    "watch_payments", PaymentState(orders, sightings, parked, remember, _s.partitions)
)
follow_partitions(app, topics.payments_by_order, recovery)


def judge(item: OrderOrPayment, now: datetime) -> list[Verdict]:
    if item.order is not None:
        return judge_order(item.order, now)
    return judge_payment(item.payment, now) if item.payment is not None else []


async def _send(verdicts: list[Verdict]) -> None:
    await send_verdicts(verdicts)  # to the order's assembler


def decide(values: Sequence[bytes], now: datetime) -> list[Verdict]:
    items = (item for raw in values for item in decode_trusted(OrderOrPayment, raw))
    return [v for item in items for v in judge(item, now)]


hand_over(topics.payments_by_order, recovery, decide, _send)  # payer attempts: next batch


@app.agent(topics.payments_by_order)
async def watch_payments(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        now = datetime.now(UTC)
        await _send(decide(await admitted(recovery, batch), now))
        await payer_attempts.flush()
        await recovery.checkpoint(now.timestamp())


@app.timer(_s.flush_interval_s)
async def release_parked_payments() -> None:
    """Judge parked payments whose grace has passed; forget old orders and payment ids."""
    await _send(judge_parked(datetime.now(UTC)))
    orders.expire()
    sightings.expire()
