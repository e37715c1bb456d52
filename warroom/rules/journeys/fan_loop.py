"""The public-to-private loop (公域→私域, T0 / T30): a viewer's first purchase in a shop from
the discovery feed (T0), their follow of the shop, and a repurchase within 48 hours or
30 days (T30), credited to the shop and the creator of the first purchase. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import Field

from warroom.rules.base import RuleParams

RULE_ID = "journey.fan_loop"
HOUR_S = 3600.0


class Params(RuleParams):
    discovery_channels: tuple[str, ...] = Field(
        ("video", "live"), min_length=1, max_length=5, description="channels of the discovery feed"
    )
    repurchase_days: int = Field(30, ge=1, le=365, description="T30: repurchase within this")
    fast_repurchase_h: int = Field(
        48, ge=1, le=720, description="the fast repurchase rate's window"
    )


@dataclass
class ShopJourney:
    """One viewer in one shop."""

    first_order: float | None = None
    creator_id: str = ""
    t0: bool = False  # the first purchase came from the discovery feed
    followed: bool = False
    counted: set[str] = field(default_factory=set)  # credits given: t0, followed, r48, r30


def on_order(j: ShopJourney, ts: float, creator: str, channel: str, p: Params) -> list[str]:
    """The credits this order gives (``t0_buyers``, ``repurchased_48h``, ...).

    >>> j = ShopJourney()
    >>> on_order(j, 0.0, "k1", "video", Params()), on_order(j, 3600.0, "k1", "shop", Params())
    (['t0_buyers'], ['repurchased_48h', 'repurchased_30d'])
    """
    if j.first_order is None or ts < j.first_order:
        if j.first_order is not None:
            return []  # an out-of-order earlier order: keep the credits given
        j.first_order, j.creator_id = ts, creator
        j.t0 = channel in p.discovery_channels
        return _credit(j, ["t0_buyers"] if j.t0 else []) + on_follow(j, j.followed)
    if not j.t0 or ts == j.first_order:
        return []
    gap = ts - j.first_order
    due = []
    if gap <= p.fast_repurchase_h * HOUR_S:
        due.append("repurchased_48h")
    if gap <= p.repurchase_days * 24 * HOUR_S:
        due.append("repurchased_30d")
    return _credit(j, due)


def on_follow(j: ShopJourney, followed: bool = True) -> list[str]:
    """A follow of the shop: credited once the viewer is a T0 buyer too."""
    j.followed = j.followed or followed
    return _credit(j, ["followed"]) if j.followed and j.t0 else []


def _credit(j: ShopJourney, names: list[str]) -> list[str]:
    new = [n for n in names if n not in j.counted]
    j.counted.update(new)
    return new
