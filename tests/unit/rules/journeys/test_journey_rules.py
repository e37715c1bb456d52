"""Viewer-journey rules: who is in a retargeting audience, the funnel's steps and drop
step, and the public-to-private loop's credits (T0, follow, 48 h and 30-day repurchase)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.errors import InvalidEntity
from warroom.rules.journeys.fan_loop import Params as LoopParams
from warroom.rules.journeys.fan_loop import ShopJourney, on_follow, on_order
from warroom.rules.journeys.funnel import drop_step, reached
from warroom.rules.journeys.retargeting import ClickSeen, Params, in_audience
from warroom.rules.registry import KINDS

CLICK = ClickSeen(10_000.0, "s1", "c1", "cr1")
P = Params(window_s=1800, lookback_s=86_400)


@pytest.mark.parametrize(
    ("ordered", "now", "member"),
    [
        (None, 10_000 + 1799, False),  # still inside the window
        (None, 10_000 + 1800, True),
        (None, 10_000 + 86_400, True),
        (None, 10_000 + 86_401, False),  # the click is too old
        (10_500.0, 10_000 + 1800, False),  # ordered after the click
        (9_000.0, 10_000 + 1800, True),  # an order before the click does not count
    ],
)
def test_audience_membership(ordered: float | None, now: float, member: bool) -> None:
    assert in_audience(CLICK, ordered, P, now) is member


@given(st.integers(60, 86_400), st.integers(0, 86_400), st.floats(0, 200_000))
def test_a_longer_window_never_adds_members(window: int, more: int, now: float) -> None:
    short = Params(window_s=window, lookback_s=200_000)
    longer = Params(window_s=min(window + more, 200_000), lookback_s=200_000)

    assert in_audience(CLICK, None, longer, now) <= in_audience(CLICK, None, short, now)


def test_window_beyond_lookback_is_refused() -> None:
    with pytest.raises(InvalidEntity) as err:
        KINDS["retargeting"].validate({"params": {"window_s": 90_000, "lookback_s": 3600}})
    assert err.value.field == "draft.params"


def test_funnel_steps_imply_the_earlier_ones_once() -> None:
    assert reached(set(), "view") == ["view"]
    assert reached({"view"}, "message") == ["click", "message"]
    assert reached({"view", "click", "message"}, "order") == ["order"]
    assert reached({"view", "click", "order"}, "click") == []


def test_drop_step_is_the_weakest_transition() -> None:
    assert drop_step({"view": 100, "click": 40, "message": 2, "order": 4}).step == "click→order"  # type: ignore[union-attr]
    weak_ctr = drop_step({"view": 1000, "click": 10, "order": 5})
    assert weak_ctr is not None and (weak_ctr.step, weak_ctr.rate, weak_ctr.lost) == (
        "view→click",
        0.01,
        990,
    )
    assert drop_step({}) is None


DAY = 86_400.0


def test_discovery_buyer_follows_and_repurchases() -> None:
    j, p = ShopJourney(), LoopParams()

    assert on_follow(j) == []  # not a T0 buyer yet: counted once they are
    assert on_order(j, 0.0, "k1", "live", p) == ["t0_buyers", "followed"]
    assert on_order(j, 40 * 3600, "k9", "shop", p) == ["repurchased_48h", "repurchased_30d"]
    assert on_order(j, 2 * DAY, "k1", "shop", p) == []  # each credit once
    assert j.creator_id == "k1"  # the first purchase's creator keeps the credit


def test_late_or_non_discovery_first_purchases_are_no_t0() -> None:
    p = LoopParams()
    from_search = ShopJourney()
    assert on_order(from_search, 0.0, "k1", "search", p) == []
    assert on_order(from_search, 3600.0, "k1", "video", p) == []  # not the first purchase
    slow = ShopJourney()
    on_order(slow, 0.0, "k1", "video", p)
    assert on_order(slow, 31 * DAY, "k1", "video", p) == []  # after T30
    assert on_order(slow, 3 * DAY, "k1", "video", p) == ["repurchased_30d"]


def test_a_first_purchase_that_arrives_after_its_repurchase_still_earns_both() -> None:
    """Orders reach the journeys agent from several input partitions (keyed by IP), so a
    viewer's repurchase can be judged before their first, discovery-feed purchase."""
    p = LoopParams()
    j = ShopJourney()
    assert on_follow(j) == []
    assert on_order(j, 30 * 3600, "k9", "shop", p) == []  # looks like a first, from the shop
    assert on_order(j, 0.0, "k1", "video", p) == [
        "t0_buyers",
        "followed",
        "repurchased_48h",
        "repurchased_30d",
    ]
    assert j.creator_id == "k1" and j.first_order == 0.0
    assert on_order(j, 40 * 3600, "k1", "shop", p) == []  # each credit once
    credited = ShopJourney()
    on_order(credited, 0.0, "k1", "video", p)
    assert on_order(credited, -3600.0, "k2", "search", p) == []  # credits given stay given
