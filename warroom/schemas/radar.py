"""Hot-product radar (爆款雷达) records: what happens to a product, and its radar row."""

from __future__ import annotations

from typing import Literal

import msgspec
from pydantic import BaseModel, ConfigDict

from warroom.schemas.events import Click, Order, Search, StockLevel


class ProductFlow(msgspec.Struct, frozen=True, kw_only=True):
    """One thing that happened to a product (on the product-activity topic)."""

    kind: Literal["search", "impression", "play", "click", "order", "stock"]
    product_id: str
    shop_id: str
    ts: float
    creative_id: str | None = None
    campaign_id: str | None = None
    completed: bool = False  # a play watched to the end
    units: int = 0  # an order's quantity, or a stock level's available units

    @classmethod
    def of_click(cls, click: Click, completed: bool) -> ProductFlow:
        return cls(
            kind=click.kind,
            product_id=str(click.product_id),
            shop_id=click.shop_id,
            ts=click.ts.timestamp(),
            creative_id=click.creative_id,
            campaign_id=click.campaign_id,
            completed=completed,
        )

    @classmethod
    def of_order(cls, order: Order) -> ProductFlow:
        return cls(
            kind="order",
            product_id=order.sku,
            shop_id=order.shop_id,
            ts=order.ts.timestamp(),
            creative_id=order.creative_id,
            campaign_id=order.campaign_id,
            units=order.quantity,
        )

    @classmethod
    def of_search(cls, search: Search) -> ProductFlow:
        return cls(
            kind="search",
            product_id=search.product_id,
            shop_id=search.shop_id,
            ts=search.ts.timestamp(),
        )

    @classmethod
    def of_stock(cls, level: StockLevel) -> ProductFlow:
        return cls(
            kind="stock",
            product_id=level.sku,
            shop_id=level.shop_id,
            ts=level.ts.timestamp(),
            units=level.available,
        )


class RadarRow(BaseModel):
    """The playbook's table row for one product (三率两周期), on the radar-live topic."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    shop_id: str
    searches: int  # in the current window
    searches_before: int  # in the window before it
    search_growth: float | None  # (now - before) / before; None: no searches before
    plays: int
    completion_rate: float | None
    impressions: int
    orders: int
    orders_per_mille: float | None  # orders per thousand impressions
    video_age_h: float | None  # the product's oldest creative: hours since its first play
    video_stage: Literal["new", "rising", "peak", "declining", "none"]
    stock: int | None
    stock_turnover_days: float | None  # stock / units sold per day at the window's pace
    tags: list[str]
    rule_version: int
    updated_at: float
