"""The campaign counters (per campaign and per creative) cut by partition of the
campaign-activity topic, for checkpoints and replay (``recovery.py``)."""

from __future__ import annotations

import pickle
from collections.abc import Iterable

from warroom.schemas.internal import Activity
from warroom.streams.budget_states import shop_zone
from warroom.streams.codecs import decode_trusted
from warroom.streams.partitioning import partition_for
from warroom.streams.windows import CreativeCounters, MinuteCounters

#: Bumped when the checkpoint's shape changes: an older one is not loaded.
FORMAT = 1


class CampaignState:
    """``counters`` and ``creatives`` together; a key's partition is its campaign's."""

    def __init__(self, counters: MinuteCounters, creatives: CreativeCounters, partitions: int):
        self.counters = counters
        self.creatives = creatives
        self.partitions = partitions

    def add(self, activity: Activity, now: float | None) -> bool:
        """Count one activity; False when it came too late for the minutes kept."""
        self.creatives.add(activity, now=now)
        return self.counters.add(activity, now=now)

    def fold(self) -> None:
        """Add the batch's increments to each key's shop-local day."""
        self.counters.days.fold(shop_zone)
        self.creatives.days.fold(shop_zone)

    def _on(self, partition: int) -> tuple[list[str], list[str]]:
        def mine(campaign_id: str) -> bool:
            return partition_for(campaign_id, self.partitions) == partition

        return self.counters.keys_of(mine), self.creatives.keys_of(mine)

    def dump(self, partition: int) -> bytes:
        campaigns, creatives = self._on(partition)
        saved = (FORMAT, self.counters.export(campaigns), self.creatives.export(creatives))
        return pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)

    def load(self, partition: int, data: bytes | None) -> None:
        campaigns, creatives = self._on(partition)
        self.counters.forget(campaigns)
        self.creatives.forget(creatives)
        if data is None:
            return
        version, counters, creatives_saved = pickle.loads(data)  # our own rows, written by save()
        if version != FORMAT:
            raise ValueError(f"checkpoint format {version}, expected {FORMAT}")
        self.counters.restore(counters)
        self.creatives.restore(creatives_saved)

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            for activity in decode_trusted(Activity, raw):
                self.add(activity, now=None)
        self.fold()
