"""Flash-sale records on warroom's internal topics: what moves a SKU's stock, and the
countdown the API shows."""

from __future__ import annotations

from typing import Literal

import msgspec
from pydantic import BaseModel, ConfigDict

from warroom.schemas.events import Order, StockLevel


class SkuFlow(msgspec.Struct, frozen=True, kw_only=True):
    """An order (units out) or a stock level (units available) of one SKU."""

    kind: Literal["order", "stock"]
    id: str  # the order id, or the stock event's id
    sku: str
    shop_id: str
    ts: float
    units: int  # ordered, or available
    campaign_id: str | None = None

    @classmethod
    def of_order(cls, order: Order) -> SkuFlow:
        return cls(
            kind="order",
            id=order.order_id,
            sku=order.sku,
            shop_id=order.shop_id,
            ts=order.ts.timestamp(),
            units=order.quantity,
            campaign_id=order.campaign_id,
        )

    @classmethod
    def of_stock(cls, level: StockLevel) -> SkuFlow:
        return cls(
            kind="stock",
            id=level.event_id,
            sku=level.sku,
            shop_id=level.shop_id,
            ts=level.ts.timestamp(),
            units=level.available,
        )


class StockSnapshot(BaseModel):
    """A SKU's live countdown (on the stock-live topic; ``GET /v1/flash-sales``)."""

    model_config = ConfigDict(frozen=True)

    sku: str
    shop_id: str
    available: int  # at the last stock level
    sold: int  # units ordered since
    remaining: int
    pace_per_s: float
    seconds_left: float | None
    level: Literal["ok", "alert", "stop", "sold_out"]
    explanation: str
    campaigns: list[str]  # the campaigns selling it
    stopped: list[str]  # the campaigns paused for it since the last stock level
    rule_version: int
    updated_at: float
