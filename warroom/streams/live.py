"""The API's view of live campaign counters: the latest snapshot of each campaign."""

from __future__ import annotations

from warroom.schemas.internal import CampaignLive
from warroom.streams.codecs import decode_trusted


class LiveView:
    """Latest snapshot per campaign, fed by a tail of the campaign-live topic."""

    def __init__(self) -> None:
        self._latest: dict[str, CampaignLive] = {}

    def publish_envelope(self, topic: str, raw: bytes) -> None:
        for snap in decode_trusted(CampaignLive, raw):
            known = self._latest.get(snap.campaign_id)
            if known is None or snap.updated_at >= known.updated_at:
                self._latest[snap.campaign_id] = snap

    def get(self, campaign_id: str) -> CampaignLive | None:
        return self._latest.get(campaign_id)

    def __len__(self) -> int:
        return len(self._latest)
