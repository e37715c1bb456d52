"""The API's view of the journeys-live topic: the retargeting audiences (active members
only), and the funnel and loop counters of every partition, summed on read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import TypeAdapter

from warroom.schemas.journeys import AudienceMember, FunnelCount, JourneyNews, LoopCount

NEWS: TypeAdapter[list[JourneyNews]] = TypeAdapter(list[JourneyNews])
FUNNEL_STEPS = ("view", "click", "message", "order")
LOOP_COUNTS = ("t0_buyers", "followed", "repurchased_48h", "repurchased_30d")
C = TypeVar("C", FunnelCount, LoopCount)


class JourneyView:
    def __init__(self) -> None:
        self.audience: dict[tuple[str, str], AudienceMember] = {}
        self.funnels: dict[tuple[str, str, int], FunnelCount] = {}  # creative, segment, partition
        self.loops: dict[tuple[str, str, int], LoopCount] = {}  # shop, creator, partition

    def publish_envelope(self, topic: str, raw: bytes) -> None:
        for item in NEWS.validate_json(raw):
            self.add(item)

    def add(self, item: JourneyNews) -> None:
        if isinstance(item, AudienceMember):
            key = (item.viewer_id, item.product_id)
            known = self.audience.get(key)
            if known is not None and known.updated_at > item.updated_at:
                return
            if item.active:
                self.audience[key] = item
            else:
                self.audience.pop(key, None)
        elif isinstance(item, FunnelCount):
            self.funnels[(item.creative_id, item.segment, item.partition)] = item
        else:
            self.loops[(item.shop_id, item.creator_id, item.partition)] = item


def summed(
    items: Iterable[C], key: Callable[[C], tuple[str, ...]], fields: tuple[str, ...]
) -> dict[tuple[str, ...], Counter[str]]:
    """Counters summed over partitions (and whatever ``key`` leaves out)."""
    out: dict[tuple[str, ...], Counter[str]] = {}
    for item in items:
        total = out.setdefault(key(item), Counter())
        for name in fields:
            total[name] += getattr(item, name)
    return out
