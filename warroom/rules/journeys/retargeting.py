"""Retargeting audience (再营销): a viewer who clicked a product and has not ordered it
``window_s`` after the click is in the product's audience, until they order it or the
click is older than ``lookback_s``. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, model_validator

from warroom.rules.base import RuleParams

RULE_ID = "journey.retargeting"


class Params(RuleParams):
    window_s: int = Field(
        1800, ge=60, le=30 * 86_400, description="how long after a click without an order"
    )
    lookback_s: int = Field(
        7 * 86_400, ge=60, le=90 * 86_400, description="clicks older than this leave the audience"
    )

    @model_validator(mode="after")
    def _window_inside_lookback(self) -> Params:
        if self.window_s > self.lookback_s:
            raise ValueError("window_s must not exceed lookback_s")
        return self


@dataclass(frozen=True, slots=True)
class ClickSeen:
    """A viewer's latest click on a product."""

    ts: float
    shop_id: str
    campaign_id: str
    creative_id: str


def in_audience(click: ClickSeen, ordered_at: float | None, params: Params, now: float) -> bool:
    """Whether the viewer belongs in the product's audience now.

    >>> c = ClickSeen(1000.0, "s", "c", "cr")
    >>> in_audience(c, None, Params(), now=1000.0 + 1800), in_audience(c, 1500.0, Params(), 9000.0)
    (True, False)
    """
    if ordered_at is not None and ordered_at >= click.ts:
        return False
    return now - params.lookback_s <= click.ts <= now - params.window_s
