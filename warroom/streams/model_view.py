"""What a reader of the ``models`` topic knows: every worker's latest match scores, model
reports, champion weights and creator counters, merged.

Workers publish their own parts (``source``); a part not refreshed for ``stale_s`` while
others were is dropped (a worker that stopped), so a score is the clicks-weighted mean
of the live workers' parts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter

from warroom.schemas.models import (
    CreatorCounters,
    MatchScore,
    MatchSnapshot,
    ModelNews,
    ModelReport,
    ModelSwitch,
)
from warroom.streams.creator_stats import Counts, summed

NEWS = TypeAdapter(list[ModelNews])
#: A worker's part older than this (behind the newest part) no longer counts.
STALE_S = 30.0
#: A version's quality goes to the live feed at most this often.
FEED_EVERY_S = 30.0

Feed = Callable[[dict[str, Any]], None]


def fresh(parts: Mapping[Any, Any], at: Callable[[Any], float]) -> list[Any]:
    newest = max((at(p) for p in parts.values()), default=0.0)
    return [p for p in parts.values() if at(p) >= newest - STALE_S]


class ModelView:
    def __init__(self, feed: Feed | None = None) -> None:
        self.feed = feed
        self.scores: dict[tuple[str, str], dict[str, MatchScore]] = {}
        self.reports: dict[tuple[str, str, str], ModelReport] = {}  # (model, version, source)
        self.snapshots: dict[str, MatchSnapshot] = {}
        self.creators: dict[str, dict[str, CreatorCounters]] = {}
        self.switches: deque[ModelSwitch] = deque(maxlen=100)
        self._fed: dict[tuple[str, str], float] = {}

    def publish_envelope(self, topic: str, raw: bytes) -> None:
        """Handler for a tail of the ``models`` topic."""
        for item in NEWS.validate_json(raw):
            self.add(item)

    def add(self, item: Any) -> None:
        if isinstance(item, MatchScore):
            self.scores.setdefault((item.kind, item.id), {})[item.source] = item
        elif isinstance(item, CreatorCounters):
            self.creators.setdefault(item.creator_id, {})[item.source] = item
        elif isinstance(item, MatchSnapshot):
            self.snapshots[item.source] = item
        elif isinstance(item, ModelReport):
            self.reports[(item.model, item.version, item.source)] = item
            self._to_feed_report(item)
        elif isinstance(item, ModelSwitch):
            self.switches.append(item)
            if self.feed is not None:
                self.feed(item.model_dump(mode="json"))

    def _to_feed_report(self, report: ModelReport) -> None:
        key = (report.model, report.version)
        if self.feed is None or report.updated_at - self._fed.get(key, 0.0) < FEED_EVERY_S:
            return
        self._fed[key] = report.updated_at
        self.feed(report.model_dump(mode="json"))

    def match_score(self, kind: str, entity_id: str) -> float | None:
        """The live 人货匹配度 of a campaign or creative (None: no clicks scored yet)."""
        parts = fresh(self.scores.get((kind, entity_id), {}), lambda s: s.updated_at)
        clicks = sum(p.clicks for p in parts)
        if not clicks:
            return None
        return round(sum(p.score * p.clicks for p in parts) / clicks, 2)

    def snapshot(self) -> MatchSnapshot | None:
        """The freshest champion weights."""
        return max(self.snapshots.values(), key=lambda s: s.updated_at, default=None)

    def creator(self, creator_id: str) -> Counts | None:
        parts = fresh(self.creators.get(creator_id, {}), lambda c: c.updated_at)
        return summed(parts) if parts else None

    def models(self) -> list[ModelReport]:
        """The latest report of every model version from the live workers (champions first)."""
        return sorted(
            fresh(self.reports, lambda r: r.updated_at),
            key=lambda r: (r.model, r.role != "champion", r.version, r.source),
        )


#: This process's view (a worker's budget rules read the match scores from it).
model_view = ModelView()
