"""Click and order events for the learner tests, as platforms send them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from warroom.schemas.events import Click, Order

T0 = 1_790_000_000.0


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def click(
    n: int, user: str, ts: float, product: str = "p1", kind: str = "click", **viewer: Any
) -> Click:
    return Click.model_validate(
        {
            "event_id": f"clk-{n}",
            "ts": iso(ts),
            "kind": kind,
            "shop_id": "s1",
            "campaign_id": viewer.pop("campaign", "cp1"),
            "creative_id": viewer.pop("creative", "cr1"),
            "creator_id": viewer.pop("creator", "c1"),
            "product_id": product,
            "viewer": {"viewer_id": user, **viewer},
        }
    )


def order(n: int, user: str, ts: float, sku: str = "p1", **kw: Any) -> Order:
    return Order.model_validate(
        {
            "event_id": f"ord-{n}",
            "ts": iso(ts),
            "order_id": f"o-{n}",
            "user_id": user,
            "ip": "10.0.0.1",
            "shop_id": "s1",
            "sku": sku,
            "quantity": 1,
            "unit_price": "99.00",
            "amount": "99.00",
            "campaign_id": "cp1",
            "creator_id": kw.pop("creator", "c1"),
            **kw,
        }
    )
