"""``warroom eval --stream FILE`` on a stream saved by ``warroom simulate``: the risk
evaluation sends the kinds that lead to verdicts and waits for exactly those."""

from __future__ import annotations

from collections import Counter

from warroom.evaluation.command import RISK_KINDS, risk_events
from warroom.sim.calendar import local_midnight
from warroom.sim.stream import generate


def test_a_full_stream_loses_only_the_playbooks_kinds() -> None:
    start = local_midnight(-2, 1_790_000_000.0) + 10 * 3600  # a shop morning
    full = generate(7, start, hours=1.0, events=3000, playbook=True)
    kinds = Counter(k for k, _ in full.events)
    assert set(kinds) - RISK_KINDS, "the saved stream has the playbook's kinds"

    risk = risk_events(full)
    assert Counter(k for k, _ in risk.events) == {k: n for k, n in kinds.items() if k in RISK_KINDS}
    assert [e for k, e in risk.events] == [e for k, e in full.events if k in RISK_KINDS]
    assert risk.attacks == full.attacks and risk.meta == full.meta
