"""What the journey agent publishes from its state: audience members as their clicks
mature or they order, and the funnel and loop counters of a partition that changed."""

from __future__ import annotations

import heapq

from warroom.rules.journeys.retargeting import Params, in_audience
from warroom.schemas.journeys import AudienceMember, FunnelCount, LoopCount
from warroom.streams.journey_state import Part, Viewer


def member(
    viewer_id: str, viewer: Viewer, product: str, active: bool, now: float
) -> AudienceMember:
    click = viewer.clicks[product]
    return AudienceMember(
        viewer_id=viewer_id,
        shop_id=click.shop_id,
        product_id=product,
        campaign_id=click.campaign_id,
        creative_id=click.creative_id,
        clicked_at=click.ts,
        active=active,
        updated_at=now,
    )


def matured(part: Part, params: Params, now: float) -> list[AudienceMember]:
    """Members whose click's window has passed (in) or whose lookback ran out (out)."""
    out = []
    while part.due and part.due[0][0] <= now:
        _, viewer_id, product = heapq.heappop(part.due)
        viewer = part.viewers.get(viewer_id)
        click = None if viewer is None else viewer.clicks.get(product)
        if viewer is None or click is None:
            continue
        active = in_audience(click, viewer.orders.get(product), params, now)
        if active:
            heapq.heappush(part.due, (click.ts + params.lookback_s + 1, viewer_id, product))
        if active != (product in viewer.listed):
            (viewer.listed.add if active else viewer.listed.discard)(product)
            out.append(member(viewer_id, viewer, product, active, now))
    return out


def ordered(viewer_id: str, viewer: Viewer, product: str, now: float) -> list[AudienceMember]:
    """The viewer leaves the product's audience when they order it."""
    if product not in viewer.listed:
        return []
    viewer.listed.discard(product)
    return [member(viewer_id, viewer, product, False, now)]


def counts(part: Part, partition: int, now: float) -> list[FunnelCount | LoopCount]:
    """The partition's counters that changed since the last call."""
    out: list[FunnelCount | LoopCount] = []
    for kind, *key in sorted(part.changed):
        if kind == "funnel":
            creative, campaign, shop, segment = key
            steps = part.funnel[(creative, campaign, shop, segment)]
            out.append(
                FunnelCount(
                    creative_id=creative,
                    campaign_id=campaign,
                    shop_id=shop,
                    segment=segment,
                    partition=partition,
                    updated_at=now,
                    **steps,
                )
            )
        else:
            shop, creator = key
            out.append(
                LoopCount(
                    shop_id=shop,
                    creator_id=creator,
                    partition=partition,
                    updated_at=now,
                    **part.loop[(shop, creator)],
                )
            )
    part.changed.clear()
    return out
