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


#: Orders after the first kept per viewer and shop, for a first purchase that arrives late.
KEEP_LATER = 8


@dataclass
class ShopJourney:
    """One viewer in one shop."""

    first_order: float | None = None
    creator_id: str = ""
    t0: bool = False  # the first purchase came from the discovery feed
    followed: bool = False
    counted: set[str] = field(default_factory=set)  # credits given: t0, followed, r48, r30
    #: Event times of orders seen after the first (a few): when an earlier order arrives
    #: later (orders reach the journeys agent from several input partitions), they are
    #: judged again against it. A class default, so older checkpoints still load.
    later: tuple[float, ...] = ()


def on_order(j: ShopJourney, ts: float, creator: str, channel: str, p: Params) -> list[str]:
    """The credits this order gives (``t0_buyers``, ``repurchased_48h``, ...), in event
    time: a first purchase that arrives after its repurchase still earns both.

    >>> j = ShopJourney()
    >>> on_order(j, 0.0, "k1", "video", Params()), on_order(j, 3600.0, "k1", "shop", Params())
    (['t0_buyers'], ['repurchased_48h', 'repurchased_30d'])
    >>> late = ShopJourney()
    >>> on_order(late, 3600.0, "k1", "shop", Params()), on_order(late, 0.0, "k1", "video", Params())
    ([], ['t0_buyers', 'repurchased_48h', 'repurchased_30d'])
    """
    if j.first_order is not None and ts >= j.first_order:
        if ts > j.first_order:
            j.later = (*j.later, ts)[-KEEP_LATER:]
        return _repurchase(j, j.first_order, ts, p) if j.t0 and ts > j.first_order else []
    if j.first_order is not None:
        if "t0_buyers" in j.counted:
            return []  # credits given stay given
        j.later = (*j.later, j.first_order)[-KEEP_LATER:]
    j.first_order, j.creator_id = ts, creator
    j.t0 = channel in p.discovery_channels
    credits = _credit(j, ["t0_buyers"] if j.t0 else []) + on_follow(j, j.followed)
    for later in j.later if j.t0 else ():
        credits += _repurchase(j, ts, later, p)
    return credits


def _repurchase(j: ShopJourney, first: float, ts: float, p: Params) -> list[str]:
    gap = ts - first
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
