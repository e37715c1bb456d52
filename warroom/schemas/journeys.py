"""Viewer journeys: what one viewer did (saw an ad, clicked the product, messaged the shop,
ordered, followed), keyed by viewer on the viewer-journeys topic, and what the journey
agent publishes from them (retargeting audiences, funnels, the public-to-private loop)."""

from __future__ import annotations

from typing import Literal

import msgspec
from pydantic import BaseModel, ConfigDict

from warroom.schemas.events import Click, Follow, Order, PrivateMessage

Step = Literal["view", "click", "message", "order", "follow"]


class Journey(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a viewer's journey (on the viewer-journeys topic)."""

    kind: Step
    viewer_id: str
    shop_id: str
    ts: float
    campaign_id: str = ""
    creative_id: str = ""
    product_id: str = ""
    creator_id: str = ""
    channel: str = ""  # an order's
    segment: str = ""  # "gender/age band" of a viewer's ad interaction

    @classmethod
    def of_click(cls, click: Click) -> Journey:
        return cls(
            kind="click" if click.kind == "click" else "view",
            viewer_id=click.viewer.viewer_id,
            shop_id=click.shop_id,
            ts=click.ts.timestamp(),
            campaign_id=click.campaign_id,
            creative_id=click.creative_id,
            product_id=click.product_id or "",
            creator_id=click.creator_id or "",
            segment=f"{click.viewer.gender}/{click.viewer.age_band}",
        )

    @classmethod
    def of_order(cls, order: Order) -> Journey:
        return cls(
            kind="order",
            viewer_id=order.user_id,
            shop_id=order.shop_id,
            ts=order.ts.timestamp(),
            campaign_id=order.campaign_id or "",
            creative_id=order.creative_id or "",
            product_id=order.sku,
            creator_id=order.creator_id or "",
            channel=order.channel,
        )

    @classmethod
    def of_message(cls, message: PrivateMessage) -> Journey:
        return cls(
            kind="message",
            viewer_id=message.viewer_id,
            shop_id=message.shop_id,
            ts=message.ts.timestamp(),
            campaign_id=message.campaign_id or "",
            creative_id=message.creative_id or "",
            product_id=message.product_id or "",
        )

    @classmethod
    def of_follow(cls, follow: Follow) -> Journey:
        return cls(
            kind="follow",
            viewer_id=follow.user_id,
            shop_id=follow.shop_id,
            ts=follow.ts.timestamp(),
            creator_id=follow.creator_id or "",
        )


class AudienceMember(BaseModel):
    """A viewer who clicked a product and did not order it within the window (再营销)."""

    model_config = ConfigDict(frozen=True)

    viewer_id: str
    shop_id: str
    product_id: str
    campaign_id: str
    creative_id: str
    clicked_at: float
    active: bool  # False: the viewer ordered since (leaves the audience)
    updated_at: float


class FunnelCount(BaseModel):
    """Viewers of one creative and segment who reached each step, on one partition."""

    model_config = ConfigDict(frozen=True)

    creative_id: str
    campaign_id: str
    shop_id: str
    segment: str
    partition: int
    view: int = 0
    click: int = 0
    message: int = 0
    order: int = 0
    updated_at: float


class LoopCount(BaseModel):
    """The public-to-private loop (T0 / T30) of one shop and creator, on one partition."""

    model_config = ConfigDict(frozen=True)

    shop_id: str
    creator_id: str
    partition: int
    t0_buyers: int = 0  # first purchase from the discovery feed (video / live)
    followed: int = 0  # of them, followed the shop
    repurchased_48h: int = 0
    repurchased_30d: int = 0  # T30
    updated_at: float


JourneyNews = AudienceMember | FunnelCount | LoopCount
