"""The API's view of live counters: the latest snapshot of each campaign or creative."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from warroom.schemas.internal import CampaignLive, CreativeLive
from warroom.streams.codecs import decode_trusted

S = TypeVar("S", CampaignLive, CreativeLive)


class LiveView(Generic[S]):
    """Latest snapshot per entity (``key`` of a snapshot), fed by a tail of a live topic."""

    def __init__(self, model: type[S], key: Callable[[S], str]) -> None:
        self._model: type[S] = model
        self._key: Callable[[S], str] = key
        self._latest: dict[str, S] = {}

    def publish_envelope(self, topic: str, raw: bytes) -> None:
        for snap in decode_trusted(self._model, raw):
            known = self._latest.get(self._key(snap))
            if known is None or snap.updated_at >= known.updated_at:
                self._latest[self._key(snap)] = snap

    def get(self, entity_id: str) -> S | None:
        return self._latest.get(entity_id)

    def __len__(self) -> int:
        return len(self._latest)


def campaign_view() -> LiveView[CampaignLive]:
    return LiveView(CampaignLive, lambda s: s.campaign_id)


def creative_view() -> LiveView[CreativeLive]:
    return LiveView(CreativeLive, lambda s: s.creative_id)
