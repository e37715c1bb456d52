"""The journeys' checkpoint: what it restores goes on exactly as the state it was taken of,
whether written as MessagePack (since session 11) or pickled (before)."""

from __future__ import annotations

from collections import Counter

import pytest

from warroom.rules.journeys import fan_loop
from warroom.schemas.journeys import Journey
from warroom.streams import journey_state
from warroom.streams.journey_state import JourneyState
from warroom.streams.snapshots import pack

LOOP = fan_loop.Params()
T = 1_790_000_000.0


def journeys(start: float, viewers: int) -> list[Journey]:
    """Views, clicks, messages, orders (discovery feed and live) and follows of
    ``viewers`` viewers in two shops, over several creatives and products."""
    out = []
    for n in range(viewers):
        v, shop = f"v{n}", f"s{n % 2}"
        base = {"viewer_id": v, "shop_id": shop, "campaign_id": "c1", "creator_id": "k1"}
        for k, kind in enumerate(["view", "click", "message", "order", "follow", "order"]):
            out.append(
                Journey(
                    kind=kind,  # type: ignore[arg-type]
                    ts=start + 60 * n + 600 * k,
                    creative_id=f"cr{(n + k) % 3}" if kind != "follow" else "",
                    product_id=f"p{n % 4}",
                    channel="video" if k == 3 else "shop",
                    segment=f"{'fm'[n % 2]}/18-24",
                    **base,
                )
            )
    return out


def state_of(steps: list[Journey]) -> JourneyState:
    state = JourneyState(partitions=1)
    for j in steps:
        state.add(j, LOOP, window_s=1800.0)
    return state


def test_a_restored_state_equals_the_one_saved_and_goes_on_the_same_way() -> None:
    saved = state_of(journeys(T, 40))
    restored = JourneyState(partitions=1)
    restored.load(0, saved.dump(0))

    assert restored.parts == saved.parts
    part = restored.parts[0]
    assert part.funnel and all(type(c) is Counter for c in part.funnel.values())
    assert part.loop and part.due and part.changed
    later = journeys(T + 5000, 40)  # the same viewers again: counters grow from there
    for state in (saved, restored):
        for j in later:
            state.add(j, LOOP, window_s=1800.0)
    assert restored.parts == saved.parts


def test_a_pickled_checkpoint_of_the_format_before_still_loads() -> None:
    saved = state_of(journeys(T, 10))
    restored = JourneyState(partitions=1)
    restored.load(0, pack(journey_state.PICKLED, saved.parts[0]))
    assert restored.parts == saved.parts


def test_a_partition_without_state_restores_to_none() -> None:
    restored = JourneyState(partitions=1)
    restored.load(0, state_of([]).dump(0))
    assert restored.parts == {}


@pytest.mark.parametrize(
    "data",
    [b"\x92\x07\xc0", b"\x92\x02\x93\x01\x02\x03", b"not a checkpoint", pack(9, None)],
    ids=["another format", "another shape", "not MessagePack", "a pickle of another format"],
)
def test_a_checkpoint_it_cannot_read_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="checkpoint"):
        JourneyState(partitions=1).load(0, data)
