"""The allow-list entries and snoozes a worker judges with, as the control topic last
described them, and the filter every risk agent passes its hits through."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from warroom.rules.base import Hit
from warroom.rules.risk.suppression import AllowEntry, suppressed
from warroom.schemas.control import AllowListChanged
from warroom.streams import stats

T = TypeVar("T")


class AllowList:
    """Entries by entity, so that judging an event looks up only its own entities.

    >>> allow = AllowList()
    >>> allow.apply(AllowListChanged(id="a1", entry=AllowEntry(rule_id="*", entity="ip:1.2.3.4")))
    >>> [e.rule_id for e in allow.entries(["ip:1.2.3.4", "user:u1"])], len(allow)
    (['*'], 1)
    """

    def __init__(self) -> None:
        self._by_id: dict[str, AllowEntry] = {}
        self._by_entity: dict[str, dict[str, AllowEntry]] = {}

    def apply(self, message: AllowListChanged) -> None:
        old = self._by_id.pop(message.id, None)
        if old is not None:
            self._by_entity.get(old.entity, {}).pop(message.id, None)
        if message.entry is not None:
            self._by_id[message.id] = message.entry
            self._by_entity.setdefault(message.entry.entity, {})[message.id] = message.entry

    def entries(self, entities: Iterable[str]) -> list[AllowEntry]:
        """The entries on any of ``entities`` (active or not)."""
        return [e for entity in entities for e in self._by_entity.get(entity, {}).values()]

    def standing(
        self, hits: Sequence[tuple[Hit, T]], entities: Sequence[str], now: float
    ) -> list[tuple[Hit, T]]:
        """The hits no active entry silences; ``entities`` are the judged event's own
        (its order, shop, user, IP, ...), whose entries silence every hit on it too."""
        if not self._by_id:
            return list(hits)
        kept = []
        for hit, rule in hits:
            entries = self.entries([hit.entity, *entities])
            if entries and suppressed(hit, entries, now, also=entities) is not None:
                stats.count(f"suppressed.{hit.rule_id}")
            else:
                kept.append((hit, rule))
        return kept

    def __len__(self) -> int:
        return len(self._by_id)


#: This process's view of the allow-list.
allow_list = AllowList()
