"""Tell the workers about entity changes they decide with, through the outbox.

Shops (time zone), campaigns (budgets, targets, status), creatives and products (the
match model's category and price) reach every worker's entity cache on the control
topic, committed with the change itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from warroom.schemas.control import EntityChanged
from warroom.store.outbox import enqueue
from warroom.streams.names import topic_name

#: The kinds workers need; others stay in the store.
ANNOUNCED = frozenset({"shop", "campaign", "creative", "product"})


def announce(session: Session, kind: str, entity_id: str, data: dict[str, Any] | None) -> None:
    if kind in ANNOUNCED:
        message = EntityChanged(kind=kind, id=entity_id, data=data)
        enqueue(session, topic_name("control"), f"{kind}:{entity_id}", message)
