"""The API's view of a snapshot topic (stock countdowns, radar rows, A/B tests): the latest snapshot
of each key, fed by a tail of every partition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from warroom.schemas.abtest import AbTestState
from warroom.schemas.flash import StockSnapshot
from warroom.schemas.radar import RadarRow
from warroom.streams.codecs import decode_trusted

S = TypeVar("S", StockSnapshot, RadarRow, AbTestState)


class LatestView(Generic[S]):
    def __init__(self, model: type[S], key: Callable[[S], str]) -> None:
        self._model: type[S] = model
        self._key: Callable[[S], str] = key
        self._latest: dict[str, S] = {}

    def publish_envelope(self, topic: str, raw: bytes) -> None:
        for snap in decode_trusted(self._model, raw):
            known = self._latest.get(self._key(snap))
            if known is None or snap.updated_at >= known.updated_at:
                self._latest[self._key(snap)] = snap

    def get(self, key: str) -> S | None:
        return self._latest.get(key)

    def all(self) -> list[S]:
        return list(self._latest.values())


def stock_view() -> LatestView[StockSnapshot]:
    return LatestView(StockSnapshot, lambda s: s.sku)


def radar_view() -> LatestView[RadarRow]:
    return LatestView(RadarRow, lambda r: r.product_id)


def ab_test_view() -> LatestView[AbTestState]:
    return LatestView(AbTestState, lambda t: t.rule_id)
