"""The entities a worker decides with (shops, campaigns, creatives), as the control topic
last described them. The topic has one partition, so changes arrive in commit order."""

from __future__ import annotations

from typing import Any

from warroom.schemas.control import EntityChanged


class Entities:
    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, dict[str, Any]]] = {}

    def apply(self, message: EntityChanged) -> None:
        known = self._by_kind.setdefault(message.kind, {})
        if message.data is None:
            known.pop(message.id, None)
        else:
            known[message.id] = message.data

    def get(self, kind: str, entity_id: str) -> dict[str, Any] | None:
        return self._by_kind.get(kind, {}).get(entity_id)

    def all(self, kind: str) -> dict[str, dict[str, Any]]:
        """Every known entity of ``kind``, by id (read-only by convention)."""
        return self._by_kind.get(kind, {})

    def count(self, kind: str) -> int:
        return len(self._by_kind.get(kind, {}))


#: This process's view of the entities.
entities = Entities()


class Switch:
    """The global kill switch as this worker last heard it (off until told otherwise)."""

    kill: bool = False


budget_switch = Switch()
