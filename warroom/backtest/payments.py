"""Replay the payment rules over history, payment by payment in event-time order, with the
state ``watch_payments`` and ``watch_payment_failures`` keep:

- mismatch: each payment against its order's amount (orders the warehouse holds);
- unknown order: a payment whose order is not placed by the end of its grace period
  (or never) is hit when the grace has passed, as the agent's parking lot does;
- duplicate payment id: each payment against the latest other event of its id;
- repeated failures: the failed attempts per card hash and per buyer (the user of the
  payment's order), each attempt judged against its payer's failures so far.

A hit is on the order the payment pays; one rule fires once per entity on an order
(``combine.merged_hits``). Payments are built as the rules' ``Payment`` only for the few
that can fire (a repeated id, an amount off its order's, an order missing). Pure.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from warroom.backtest.risk import Hits, add_hit
from warroom.rules.risk import (
    duplicate_payment,
    payment_failures,
    payment_mismatch,
    unknown_order_payment,
)
from warroom.rules.risk.duplicate_payment import Sighting
from warroom.schemas.events import Payment

#: How long ``watch_payments`` remembers a payment id (event time).
MEMORY_S = duplicate_payment.MEMORY_S


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A payment as the warehouse holds it, with what is known of its order."""

    ts: float
    event_id: str
    payment_id: str
    order_id: str
    amount: Decimal
    method: str
    status: str
    card_hash: str  # '' when none
    order_amount: Decimal | None  # None: the warehouse holds no such order
    user_id: str = ""  # the order's buyer ('' unknown)
    order_ts: float | None = None  # when the order was placed (None: never)

    def payment(self) -> Payment:
        """The payment event the rules read (built without validation: it was valid)."""
        return Payment.model_construct(
            event_id=self.event_id,
            ts=datetime.fromtimestamp(self.ts, UTC),
            payment_id=self.payment_id,
            order_id=self.order_id,
            amount=self.amount,
            method=self.method,  # type: ignore[arg-type]
            status=self.status,  # type: ignore[arg-type]
            card_hash=self.card_hash or None,
        )


def replay_mismatch(
    payments: Sequence[PaymentRow], params: payment_mismatch.Params, since: float = 0.0
) -> Hits:
    """Payment mismatch on each payment from ``since`` against its order's amount."""
    hits: Hits = {}
    for p in payments:
        if p.ts < since or p.order_amount is None or p.amount == p.order_amount:
            continue  # an equal amount is within any tolerance
        hit = payment_mismatch.payment_mismatch(p.payment(), p.order_amount, params)
        if hit is not None:
            add_hit(hits, p.order_id, hit)
    return hits


def replay_unknown(
    payments: Sequence[PaymentRow], params: unknown_order_payment.Params, since: float = 0.0
) -> Hits:
    """Payments from ``since`` whose order was not placed within their grace period."""
    hits: Hits = {}
    for p in payments:
        if p.ts < since:
            continue
        due = p.ts + params.grace_s  # when the agent's timer would judge it
        known = p.order_ts is not None and p.order_ts <= due
        if known:
            continue  # the rule does not fire on a known order
        hit = unknown_order_payment.unknown_order_payment(p.payment(), known, due, params)
        if hit is not None:
            add_hit(hits, p.order_id, hit)
    return hits


def replay_duplicates(
    payments: Sequence[PaymentRow], params: duplicate_payment.Params, since: float = 0.0
) -> Hits:
    """Each payment from ``since`` against the latest earlier event of its payment id
    within the agent's memory (the payments before ``since`` are only remembered)."""
    repeated = {pid for pid, n in Counter(p.payment_id for p in payments).items() if n > 1}
    seen: dict[str, Sighting] = {}
    hits: Hits = {}
    for p in payments:
        if p.payment_id not in repeated:
            continue  # an id seen once has no earlier sighting
        payment, earlier = p.payment(), seen.get(p.payment_id)
        if earlier is not None and p.ts - earlier.ts > MEMORY_S:
            earlier = None  # forgotten by then
        if earlier is None or earlier.event_id != p.event_id:
            seen[p.payment_id] = Sighting.of(payment)
        if p.ts < since:
            continue
        hit = duplicate_payment.duplicate_payment(payment, earlier, params)
        if hit is not None:
            add_hit(hits, p.order_id, hit)
    return hits


def _payers(p: PaymentRow) -> list[tuple[payment_failures.PayerKind, str]]:
    """Whom an attempt is judged under: its card, and its order's buyer when known."""
    if p.status == "pending":
        return []
    out: list[tuple[payment_failures.PayerKind, str]] = []
    if p.card_hash:
        out.append(("card", p.card_hash))
    if p.order_ts is not None and p.user_id:
        out.append(("user", p.user_id))
    return out


def replay_failures(
    payments: Sequence[PaymentRow], params: payment_failures.Params, since: float = 0.0
) -> Hits:
    """Repeated failures: each attempt from ``since`` against its card's and its buyer's
    failed attempts so far (a payer with no more failures in the whole span than the
    rule allows cannot fire and is skipped)."""
    failed: Counter[tuple[str, str]] = Counter()
    for p in payments:
        if p.status == "failed":
            failed.update(_payers(p))
    busy = {payer for payer, n in failed.items() if n > params.max_failures}
    logs: dict[tuple[str, str], list[Any]] = defaultdict(list)
    hits: Hits = {}
    for p in payments:
        for kind, key in _payers(p):
            if (kind, key) not in busy:
                continue
            log = logs[(kind, key)]
            if p.status == "failed":
                log.append((p.ts, p.payment_id))
            if p.ts < since:
                continue
            around = log[bisect_left(log, (p.ts - params.window_s,)) :]
            hit = payment_failures.payment_failures(kind, key, p.ts, around, params)
            if hit is not None:
                add_hit(hits, p.order_id, hit)
    return hits
