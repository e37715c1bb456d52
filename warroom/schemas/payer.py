"""Payment attempts keyed by who pays (on the internal payments-by-payer topic)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderSeen

PayerKind = Literal["user", "card"]


class PayerAttempt(BaseModel):
    """A payment attempt of one payer: the user of its order, or its card hash."""

    model_config = ConfigDict(frozen=True)

    payer: PayerKind
    key: str
    payment: Payment
    order: OrderSeen | None = None

    @property
    def entity(self) -> str:
        return f"{self.payer}:{self.key}"
