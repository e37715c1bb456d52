"""What the journey agent keeps, per input partition (the topic is keyed by viewer): each
viewer's steps per creative, latest clicks and orders per product, their journey in each
shop, and the partition's funnel and loop counters; plus when each click matures into a
retargeting audience (a heap), so a timer never scans every viewer."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from warroom.rules.journeys import fan_loop, funnel
from warroom.rules.journeys.retargeting import ClickSeen
from warroom.schemas.journeys import Journey
from warroom.streams.codecs import decode_trusted
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack_typed, typed_reader, unpack_typed

#: Checkpoints: MessagePack (2) since session 11, pickles (1) before.
FORMAT, PICKLED = 2, 1
MAX_CREATIVES = 50  # per viewer: the funnel remembers the latest ones


@dataclass
class Viewer:
    segment: str = "u/unknown"
    creatives: dict[str, set[str]] = field(default_factory=dict)
    clicks: dict[str, ClickSeen] = field(default_factory=dict)
    orders: dict[str, float] = field(default_factory=dict)
    shops: dict[str, fan_loop.ShopJourney] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)  # products it is an audience member of


@dataclass
class Part:
    """One partition's viewers and counters."""

    viewers: dict[str, Viewer] = field(default_factory=dict)
    funnel: dict[tuple[str, str, str, str], Counter[str]] = field(default_factory=dict)
    loop: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    due: list[tuple[float, str, str]] = field(default_factory=list)  # (when, viewer, product)
    changed: set[tuple[str, ...]] = field(default_factory=set)  # funnel and loop keys


class JourneyState:
    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self.parts: dict[int, Part] = {}

    def part(self, viewer_id: str) -> Part:
        partition = partition_for(viewer_id, self.partitions)
        part = self.parts.get(partition)
        if part is None:  # not ``setdefault``: a Part built per journey, thrown away
            part = self.parts[partition] = Part()
        return part

    def add(self, j: Journey, loop: fan_loop.Params, window_s: float) -> Viewer:
        part = self.part(j.viewer_id)
        viewer = part.viewers.get(j.viewer_id)
        if viewer is None:
            viewer = part.viewers[j.viewer_id] = Viewer()
        if j.segment:
            viewer.segment = j.segment
        if j.creative_id and j.kind != "follow":
            _count_funnel(part, viewer, j)
        if j.kind == "click" and j.product_id:
            viewer.clicks[j.product_id] = ClickSeen(j.ts, j.shop_id, j.campaign_id, j.creative_id)
            heapq.heappush(part.due, (j.ts + window_s, j.viewer_id, j.product_id))
        elif j.kind == "order":
            viewer.orders[j.product_id] = max(j.ts, viewer.orders.get(j.product_id, j.ts))
            shop = viewer.shops.setdefault(j.shop_id, fan_loop.ShopJourney())
            credits = fan_loop.on_order(shop, j.ts, j.creator_id, j.channel, loop)
            _count_loop(part, j.shop_id, shop, credits)
        elif j.kind == "follow":
            shop = viewer.shops.setdefault(j.shop_id, fan_loop.ShopJourney())
            _count_loop(part, j.shop_id, shop, fan_loop.on_follow(shop))
        return viewer

    def dump(self, partition: int) -> bytes:
        return pack_typed(FORMAT, self.parts.get(partition))

    def load(self, partition: int, data: bytes | None) -> None:
        self.parts.pop(partition, None)
        if data is None:
            return
        part = unpack_typed(data, FORMAT, _reader, pickled=PICKLED)
        if part is not None:
            self.parts[partition] = part

    def replay(self, values: Iterable[bytes], loop: fan_loop.Params | None = None) -> None:
        """Add the messages again (their counts were published before)."""
        for raw in values:
            for j in decode_trusted(Journey, raw):
                self.add(j, loop or fan_loop.Params(), 0.0)


_reader = typed_reader(Part | None)


def _count_funnel(part: Part, viewer: Viewer, j: Journey) -> None:
    steps = viewer.creatives.pop(j.creative_id, set())
    viewer.creatives[j.creative_id] = steps  # the latest creatives last
    while len(viewer.creatives) > MAX_CREATIVES:
        del viewer.creatives[next(iter(viewer.creatives))]
    new = funnel.reached(steps, j.kind)
    steps.update(new)
    if new:
        key = (j.creative_id, j.campaign_id, j.shop_id, viewer.segment)
        part.funnel.setdefault(key, Counter()).update(new)
        part.changed.add(("funnel", *key))


def _count_loop(part: Part, shop_id: str, shop: fan_loop.ShopJourney, credits: list[str]) -> None:
    if not credits:
        return
    key = (shop_id, shop.creator_id)
    part.loop.setdefault(key, Counter()).update(credits)
    part.changed.add(("loop", *key))
