"""Process-wide counters: events in, dead letters by reason, late events, verdicts.

Read by ``GET /v1/stats``; issue 10 exports them to Prometheus.
"""

from __future__ import annotations

from collections import Counter

counters: Counter[str] = Counter()


def count(name: str, n: int = 1) -> None:
    counters[name] += n


def snapshot() -> dict[str, int]:
    return dict(sorted(counters.items()))
