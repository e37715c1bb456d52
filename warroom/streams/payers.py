"""Payment attempts re-keyed by payer: the payment agent, which knows a payment's order
(and so its user), notes them; they leave in one batch per consumed batch."""

from __future__ import annotations

from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderSeen
from warroom.schemas.payer import PayerAttempt
from warroom.streams import topics
from warroom.streams.send import send_envelopes


class PayerAttempts:
    """Attempts noted since the last flush."""

    def __init__(self) -> None:
        self.pending: list[PayerAttempt] = []

    def note(
        self, payment: Payment, order: OrderSeen | None, *, card: bool = True, user: bool = True
    ) -> None:
        """Note ``payment`` under its card hash and (when its order is known) its user."""
        if payment.status == "pending":
            return
        if card and payment.card_hash is not None:
            card_attempt = PayerAttempt(
                payer="card", key=payment.card_hash, payment=payment, order=order
            )
            self.pending.append(card_attempt)
        if user and order is not None:
            self.pending.append(
                PayerAttempt(payer="user", key=order.user_id, payment=payment, order=order)
            )

    async def flush(self) -> None:
        attempts, self.pending = self.pending, []
        await send_envelopes(topics.payments_by_payer, attempts, key=lambda a: a.entity)


#: This process's attempts on their way out.
payer_attempts = PayerAttempts()
