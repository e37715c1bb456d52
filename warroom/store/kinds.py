"""What the generic CRUD needs to know about an entity type: its table, its shop,
what it references, what references it, and which fields a list may be sorted by."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import InstrumentedAttribute, Session

from warroom.store.models.commerce import Entity

M = TypeVar("M", bound=Entity)

#: Checks an entity's merged values against the store; returns the fields it derives.
Derive = Callable[[Session, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Kind(Generic[M]):
    name: str  # "shop": the audit log's resource and the subject of error messages
    model: type[M]
    shop_column: str | None  # the column naming the entity's shop; None: not shop-scoped
    sortable: tuple[str, ...]
    parents: Mapping[str, tuple[str, type[Entity]]] = field(default_factory=dict)
    children: tuple[tuple[str, InstrumentedAttribute[Any]], ...] = ()
    derive: Derive | None = None

    def shop_of(self, row: M) -> str | None:
        return getattr(row, self.shop_column) if self.shop_column else None
