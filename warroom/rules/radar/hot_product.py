"""Hot-product tag (今日必抢): search growth above +200% and more than 2.5 orders per
thousand impressions tag the product and issue it a 5% coupon (defaults; the rulebook's
``radar.hot_product`` holds the live values)."""

from __future__ import annotations

from pydantic import Field

from warroom.rules.base import Hit, RuleParams
from warroom.rules.radar.metrics import RadarCounts, RadarMetrics

RULE_ID = "radar.hot_product"


class Params(RuleParams):
    window_s: int = Field(
        3600,
        ge=60,
        le=7 * 86_400,
        description="rates are measured over this; growth vs the one before",
    )
    min_search_growth: float = Field(
        2.0, ge=0, le=1000, description="search growth above this fires (2.0 = +200%)"
    )
    min_orders_per_mille: float = Field(
        2.5, ge=0, le=1000, description="orders per thousand impressions above this fires"
    )
    min_impressions: int = Field(
        1000, ge=1, le=1_000_000_000, description="impressions the window needs before tagging"
    )
    min_searches: int = Field(
        20, ge=1, le=1_000_000_000, description="searches the window needs before tagging"
    )
    tag: str = Field("今日必抢", min_length=1, max_length=16, description="the tag a hit gives")
    coupon_pct: float = Field(5.0, gt=0, le=50, description="the coupon a hit issues, % off")
    new_video_h: float = Field(24, gt=0, le=720, description="a video younger than this is new")


def hot_product(counts: RadarCounts, metrics: RadarMetrics, params: Params) -> Hit | None:
    """A hit when the product's searches grow and its impressions convert; missing data
    (no searches before, too few impressions) is no hit.

    >>> from warroom.rules.radar.metrics import radar_metrics
    >>> c = RadarCounts("p1", 3600, 90, 20, 4000, 1000, 400, 12, 12)
    >>> hot_product(c, radar_metrics(c), Params()).entity
    'product:p1'
    """
    growth, per_mille = metrics.search_growth, metrics.orders_per_mille
    if counts.impressions < params.min_impressions or counts.searches < params.min_searches:
        return None
    if growth is None or per_mille is None:
        return None
    if growth <= params.min_search_growth or per_mille <= params.min_orders_per_mille:
        return None
    return Hit(
        rule_id=RULE_ID,
        entity=f"product:{counts.product_id}",
        score=0.0,
        observed={
            "search_growth": growth,
            "orders_per_mille": per_mille,
            "searches": counts.searches,
            "searches_before": counts.searches_before,
            "impressions": counts.impressions,
            "orders": counts.orders,
        },
        thresholds=params.model_dump(mode="json"),
        explanation=(
            f"product {counts.product_id}: searches {growth:+.0%} ({counts.searches_before} → "
            f"{counts.searches}), {per_mille:.2f} orders per 1,000 impressions "
            f"(above {params.min_search_growth:+.0%} and {params.min_orders_per_mille:g}): "
            f"{params.tag}, {params.coupon_pct:g}% coupon"
        ),
    )
