"""Allow-lists and snoozes: entries that silence a rule (or every rule) for one entity."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable

from pydantic import BaseModel, ConfigDict, Field

from warroom.rules.base import Hit

#: An entry's rule id that silences every rule.
ANY_RULE = "*"


class AllowEntry(BaseModel):
    """An allow-list entry (``expires_at`` None) or a snooze until ``expires_at``.

    >>> entry = AllowEntry(rule_id="risk.same_ip_burst", entity="ip:203.0.113.45")
    >>> entry.active(now=1e9), AllowEntry(rule_id="*", entity="shop:s1", expires_at=10).active(10)
    (True, False)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^(\*|[a-z][a-z0-9_.-]*)$",
        description="the rule silenced, or * for every rule",
    )
    entity: str = Field(
        min_length=3,
        max_length=200,
        pattern=r"^[a-z_]+:.+$",
        description='the entity silenced, as rules name it: "ip:1.2.3.4", "user:u1", "shop:s1"',
    )
    expires_at: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="epoch seconds the snooze ends; None: never"
    )

    def active(self, now: float) -> bool:
        """Still silencing at ``now``: an allow-list entry always, a snooze until it ends."""
        return self.expires_at is None or now < self.expires_at

    def covers(self, rule_id: str) -> bool:
        return self.rule_id in (ANY_RULE, rule_id)


def suppressed(
    hit: Hit, entries: Iterable[AllowEntry], now: float, *, also: Collection[str] = ()
) -> AllowEntry | None:
    """The entry that silences ``hit`` at ``now``, or None when the hit stands.

    An entry silences a hit of its rule (or of every rule, ``*``) on its entity,
    the hit's own entity or one of ``also`` (other entities of the judged event,
    e.g. the order's shop, when the agent wants those entries to count). Of several
    matching entries the longest-lasting is returned (an allow-list entry first),
    so the audit records the strongest reason.

    >>> hit = Hit("risk.same_ip_burst", "ip:203.0.113.45", 60, {}, {}, "6 orders")
    >>> snooze = AllowEntry(rule_id="*", entity="ip:203.0.113.45", expires_at=2000.0)
    >>> suppressed(hit, [snooze], now=1000.0) == snooze, suppressed(hit, [snooze], now=2000.0)
    (True, None)
    """
    found: AllowEntry | None = None
    for entry in entries:
        if not (entry.covers(hit.rule_id) and entry.active(now)):
            continue
        if entry.entity != hit.entity and entry.entity not in also:
            continue
        if found is None or _lasts(entry) > _lasts(found):
            found = entry
    return found


def _lasts(entry: AllowEntry) -> float:
    return math.inf if entry.expires_at is None else entry.expires_at
