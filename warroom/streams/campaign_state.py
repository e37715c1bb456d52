"""The campaign counters (per campaign and per creative) cut by partition of the
campaign-activity topic, for checkpoints and replay (``recovery.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from warroom.schemas.internal import Activity
from warroom.streams import stats
from warroom.streams.budget_states import shop_zone
from warroom.streams.codecs import decode_trusted
from warroom.streams.origin_runs import OriginRuns
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack
from warroom.streams.windows import CreativeCounters, MinuteCounters

#: Bumped when the checkpoint's shape changes: an older one is not loaded, except the
#: one before (2: the highest origin counted per input partition, not its runs).
FORMAT = 3
#: An origin this far (in input offsets) behind the last one seen is not a re-forwarded
#: copy but a new input log (a topic recreated): counted, and its marks start again.
REWIND_MAX = 1_000_000
Source = tuple[int, int]  # (input topic code, input partition)


class CampaignState:
    """``counters`` and ``creatives`` together; a key's partition is its campaign's."""

    def __init__(self, counters: MinuteCounters, creatives: CreativeCounters, partitions: int):
        self.counters = counters
        self.creatives = creatives
        self.partitions = partitions
        #: Per partition of campaign-activity, the origins counted from each input
        #: partition: the ingest hop may forward an event twice (after a crash), or late.
        self.marks: dict[int, dict[Source, OriginRuns]] = {}

    def add(self, activity: Activity, now: float | None) -> bool:
        """Count one activity; False when it came too late for the minutes kept. An
        activity the ingest hop forwarded again is skipped (counted in stats)."""
        if self._forwarded_again(activity):
            stats.count("duplicates.campaign_activity")
            return True
        self.creatives.add(activity, now=now)
        return self.counters.add(activity, now=now)

    def _forwarded_again(self, activity: Activity) -> bool:
        if activity.src is None:
            return False
        code, part, offset, position = activity.src
        marks = self.marks.setdefault(partition_for(activity.campaign_id, self.partitions), {})
        runs = marks.get((code, part))
        top = None if runs is None else runs.top()
        if runs is None or (top is not None and top[0] - offset > REWIND_MAX):
            runs = marks[(code, part)] = OriginRuns()
        return runs.counted((offset, position))

    def on_new_log(self, partition: int) -> None:
        """The topics were recreated (a broker that lost them): the input offsets marked
        are of the old logs, and would hide the new logs' first messages as copies."""
        self.marks.pop(partition, None)

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
        counters, mine = self.counters.export(campaigns), self.creatives.export(creatives)
        runs = {src: r.runs for src, r in self.marks.get(partition, {}).items()}
        return pack(FORMAT, (counters, mine, runs))

    def load(self, partition: int, data: bytes | None) -> None:
        campaigns, creatives = self._on(partition)
        self.counters.forget(campaigns)
        self.creatives.forget(creatives)
        self.marks.pop(partition, None)
        if data is None:
            return
        try:
            counters, creatives_saved, runs = unpack(data, FORMAT)
            marks = {src: OriginRuns(r) for src, r in runs.items()}
        except ValueError:  # the format before: the highest origin counted
            counters, creatives_saved, highest = unpack(data, 2)
            marks = {src: OriginRuns.up_to(mark) for src, mark in highest.items()}
        self.counters.restore(counters)
        self.creatives.restore(creatives_saved)
        self.marks[partition] = marks

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            for activity in decode_trusted(Activity, raw):
                self.add(activity, now=None)
        self.fold()
