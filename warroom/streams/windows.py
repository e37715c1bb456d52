"""Event-time state kept by agents: per-key sliding logs and per-minute counters (per
campaign and per creative).

Both follow a watermark (the highest event time seen) and forget what lies further
behind it than they need, so memory stays bounded by the window, not the stream.
Given the wall clock (``now``), the watermark never passes ``now + max_ahead_s``:
one event from a producer whose clock runs hours fast must not expire everyone
else's state. Without ``now`` (replays, backtests) event time is trusted as it is.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from warroom.schemas.internal import Activity, CampaignLive, CampaignMinute, CreativeLive
from warroom.streams.days import DayCounters

#: How far ahead of the wall clock the watermark may move.
MAX_AHEAD_S = 120.0


def _time(pair: tuple[float, str]) -> float:
    return pair[0]


def advanced(watermark: float, ts: float, now: float | None) -> float:
    """The watermark after seeing ``ts``, capped at ``now + MAX_AHEAD_S`` when ``now`` is known.

    >>> advanced(100.0, 7300.0, now=200.0)
    320.0
    """
    if now is not None:
        ts = min(ts, now + MAX_AHEAD_S)
    return max(watermark, ts)


class SlidingLog:
    """Per key, the (time, id) pairs of the last ``horizon_s`` seconds, sorted by time.

    Ids are unique per key, so a redelivered event is not counted twice.
    """

    def __init__(self, horizon_s: float, lateness_s: float) -> None:
        self.horizon_s = horizon_s
        self.lateness_s = lateness_s
        self.watermark = 0.0
        self._logs: dict[str, list[tuple[float, str]]] = {}
        self._ids: dict[str, set[str]] = {}

    def is_late(self, ts: float) -> bool:
        """Behind the watermark by more than the allowed lateness."""
        return ts < self.watermark - self.lateness_s

    def add(self, key: str, ts: float, item_id: str, *, now: float | None = None) -> bool:
        """Record ``item_id`` at ``ts``; False if this key already holds it."""
        ids = self._ids.setdefault(key, set())
        if item_id in ids:
            return False
        ids.add(item_id)
        insort(self._logs.setdefault(key, []), (ts, item_id))
        self.watermark = advanced(self.watermark, ts, now)
        return True

    def around(self, key: str, ts: float, span_s: float) -> Sequence[tuple[float, str]]:
        """The key's pairs with times in [ts - span, ts + span]."""
        log = self._logs.get(key, [])
        lo = bisect_left(log, ts - span_s, key=_time)
        hi = bisect_right(log, ts + span_s, key=_time)
        return log[lo:hi]

    def expire(self) -> int:
        """Forget pairs older than the horizon behind the watermark; returns keys dropped."""
        cutoff = self.watermark - self.horizon_s - self.lateness_s
        dropped = 0
        for key in list(self._logs):
            log = self._logs[key]
            keep = bisect_left(log, cutoff, key=_time)
            if keep == len(log):
                del self._logs[key], self._ids[key]
                dropped += 1
            elif keep:
                self._ids[key].difference_update(item_id for _, item_id in log[:keep])
                del log[:keep]
        return dropped

    def __len__(self) -> int:
        return len(self._logs)

    def ids(self) -> list[str]:
        return list(self._logs)

    def export(self, keys: Iterable[str]) -> dict[str, Any]:
        """The logs of ``keys``, for a checkpoint."""
        return {
            "watermark": self.watermark,
            "logs": {k: self._logs[k] for k in keys if k in self._logs},
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Put back the logs ``export`` gave (replacing what is held for those keys)."""
        for key, log in saved["logs"].items():
            self._logs[key] = log
            self._ids[key] = {item_id for _, item_id in log}
        self.watermark = max(self.watermark, saved["watermark"])

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._logs.pop(key, None)
            self._ids.pop(key, None)


_FIELDS = {"impression": "impressions", "play": "plays", "click": "clicks", "order": "orders"}


class MinuteCounts:
    """Per entity (the key ``_key`` picks from an activity), counters by event-time minute
    for the last ``keep_minutes``. Subclasses name the key and build the snapshots."""

    def __init__(self, keep_minutes: int = 61) -> None:
        self.keep_minutes = keep_minutes
        self.watermark = 0.0
        self._counts: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
        self._owner: dict[str, tuple[str, str]] = {}  # key -> (shop id, campaign id)
        self.dirty: set[str] = set()  # changed since the last snapshot
        self.touched: set[str] = set()  # changed since the last ``take_touched``
        self.days = DayCounters()  # each key's shop-local day so far

    def _key(self, act: Activity) -> str | None:
        raise NotImplementedError

    def add(self, act: Activity, *, now: float | None = None) -> bool:
        """Count one activity; False when it is older than the minutes kept (an activity
        without a key is not counted here, and not late either)."""
        minute = int(act.ts // 60)
        if minute < self.watermark // 60 - self.keep_minutes:
            return False
        key = self._key(act)
        if key is None:
            return True
        bucket = self._counts[key].setdefault(minute, {})
        increments = {_FIELDS[act.kind]: 1}
        if act.spend:
            increments["spend"] = act.spend
        if act.gmv:
            increments["gmv"] = act.gmv
        if act.completed:
            increments["completions"] = 1
        for name, value in increments.items():
            bucket[name] = bucket.get(name, 0) + value
        self.days.count(key, act.shop_id, minute, increments)
        self._owner[key] = (act.shop_id, act.campaign_id)
        self.watermark = advanced(self.watermark, act.ts, now)
        self.dirty.add(key)
        self.touched.add(key)
        return True

    def keys_of(self, campaign_ids: Callable[[str], bool]) -> list[str]:
        """The keys whose campaign ``campaign_ids`` accepts (a partition's keys)."""
        return [key for key, (_, campaign) in self._owner.items() if campaign_ids(campaign)]

    def export(self, keys: Iterable[str]) -> dict[str, Any]:
        """The state of ``keys``, for a checkpoint."""
        return {
            "watermark": self.watermark,
            "keys": {
                k: (self._counts[k], self._owner[k], self.days.export(k))
                for k in keys
                if k in self._owner
            },
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Put back the keys ``export`` gave (replacing what is held for them)."""
        for key, (counts, owner, day) in saved["keys"].items():
            self._counts[key], self._owner[key] = counts, owner
            self.days.restore(key, day)
            self.dirty.add(key)
            self.touched.add(key)
        self.watermark = max(self.watermark, saved["watermark"])

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._counts.pop(key, None)
            self._owner.pop(key, None)
            self.days.restore(key, None)
            self.dirty.discard(key)
            self.touched.discard(key)

    def take_touched(self) -> set[str]:
        """The keys counted since the last call (what a rule should look at again)."""
        touched, self.touched = self.touched, set()
        return touched

    def keys(self) -> list[str]:
        return list(self._counts)

    def minutes(self, key: str) -> list[CampaignMinute]:
        """The entity's minutes kept, oldest first."""
        buckets = self._counts.get(key, {})
        return [CampaignMinute(minute=m, **buckets[m]) for m in sorted(buckets)]

    def _flush(self) -> list[str]:
        """The keys changed since the last call, sorted (their old minutes forgotten)."""
        oldest = int(self.watermark // 60) - self.keep_minutes
        changed = sorted(self.dirty)
        for key in changed:
            buckets = self._counts[key]
            for minute in [m for m in buckets if m < oldest]:
                del buckets[minute]
        self.dirty.clear()
        return changed


class MinuteCounters(MinuteCounts):
    """Per campaign, counters by event-time minute for the last ``keep_minutes``."""

    def _key(self, act: Activity) -> str | None:
        return act.campaign_id

    def campaigns(self) -> list[str]:
        return self.keys()

    def snapshots(self, now: float) -> list[CampaignLive]:
        """Snapshots of every campaign changed since the last call (then forgets old minutes)."""
        return [
            CampaignLive(
                campaign_id=key,
                shop_id=self._owner[key][0],
                minutes=self.minutes(key),
                updated_at=now,
                today=self.days.dump(key),
                time_zone=self.days.zone(key),
            )
            for key in self._flush()
        ]


class CreativeCounters(MinuteCounts):
    """Per creative, counters by event-time minute (activities without a creative skipped)."""

    def _key(self, act: Activity) -> str | None:
        return act.creative_id

    def creatives(self) -> list[str]:
        return self.keys()

    def campaign_of(self, creative_id: str) -> str | None:
        owner = self._owner.get(creative_id)
        return None if owner is None else owner[1]

    def by_campaign(self) -> dict[str, list[str]]:
        """The creatives with counters, grouped by campaign."""
        out: dict[str, list[str]] = {}
        for key, (_, campaign) in self._owner.items():
            out.setdefault(campaign, []).append(key)
        return out

    def snapshots(self, now: float) -> list[CreativeLive]:
        """Snapshots of every creative changed since the last call (then forgets old minutes)."""
        return [
            CreativeLive(
                creative_id=key,
                campaign_id=self._owner[key][1],
                shop_id=self._owner[key][0],
                minutes=self.minutes(key),
                updated_at=now,
                today=self.days.dump(key),
                time_zone=self.days.zone(key),
            )
            for key in self._flush()
        ]
