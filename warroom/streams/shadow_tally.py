"""The API's running tally of shadow comparisons, from the ``shadow`` topic.

Per API process and since it started: the tail starts at the end of the topic and a
restart starts the tally over. Bounded: at most ``MAX_PAIRS`` (rule, live version,
candidate version) pairs, each with its latest ``MAX_DISAGREEMENTS`` disagreements.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warroom.schemas.shadow import Disagreement, ShadowComparison, ShadowReport
from warroom.streams.codecs import decode_trusted

MAX_PAIRS = 1000
MAX_DISAGREEMENTS = 500
Pair = tuple[str, int, int]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PairTally:
    """Counts for one rule's live version against one candidate."""

    since: datetime = field(default_factory=_now)
    counts: Counter[str] = field(default_factory=Counter)
    disagreements: deque[Disagreement] = field(
        default_factory=lambda: deque(maxlen=MAX_DISAGREEMENTS)
    )

    def add(self, c: ShadowComparison) -> None:
        self.counts["judged"] += 1
        self.counts["live"] += c.live_hit
        self.counts["candidate"] += c.candidate_hit
        which = "both" if c.live_hit and c.candidate_hit else "only_live" if c.live_hit else ""
        self.counts[which or "only_candidate"] += 1
        if which != "both":
            observed = c.live_observed if c.live_hit else c.candidate_observed
            self.disagreements.append(
                Disagreement(
                    order_id=c.order_id,
                    live_hit=c.live_hit,
                    candidate_hit=c.candidate_hit,
                    observed=observed or {},
                    at=c.at,
                )
            )


class ShadowTally:
    """Comparisons counted per (rule, live version, candidate version)."""

    def __init__(self) -> None:
        self.started = _now()
        self._pairs: OrderedDict[Pair, PairTally] = OrderedDict()

    def add(self, c: ShadowComparison) -> None:
        pair = (c.rule_id, c.live_version, c.candidate_version)
        tally = self._pairs.get(pair)
        if tally is None:
            tally = self._pairs[pair] = PairTally()
            while len(self._pairs) > MAX_PAIRS:
                self._pairs.popitem(last=False)
        self._pairs.move_to_end(pair)
        tally.add(c)

    def add_envelope(self, topic: str, raw: bytes) -> None:
        """The TopicTail handler: every comparison in one message."""
        for comparison in decode_trusted(ShadowComparison, raw):
            self.add(comparison)

    def latest(self, rule_id: str) -> Pair | None:
        """The rule's pair compared last, if any (when it has no candidate any more)."""
        return next((p for p in reversed(self._pairs) if p[0] == rule_id), None)

    def report(self, rule_id: str, live: int | None, candidate: int | None) -> ShadowReport:
        """The tally of ``live`` against ``candidate``; without a candidate, the last pair."""
        pair = (rule_id, live, candidate) if live and candidate else self.latest(rule_id)
        tally = self._pairs.get(pair) if pair else None
        counts = tally.counts if tally else Counter[str]()
        return ShadowReport(
            rule_id=rule_id,
            live_version=pair[1] if pair else live,
            candidate_version=pair[2] if pair else candidate,
            since=tally.since if tally else self.started,
            events_judged_by_either=counts["judged"],
            live_hits=counts["live"],
            candidate_hits=counts["candidate"],
            both=counts["both"],
            only_live=counts["only_live"],
            only_candidate=counts["only_candidate"],
            disagreements=list(reversed(tally.disagreements)) if tally else [],
        )
