"""The online models a worker runs, restored from their checkpoints on first use and
saved on a timer and on shutdown (``<data_dir>/<app_id>/models/<name>.ckpt``).

A checkpoint whose checksum fails is reported (log, stats, and the model's report on
``/v1/models``), set aside as ``<name>.ckpt.corrupt-<time>``, and the model starts
fresh; it is never unpickled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from warroom.models.checkpoint import CorruptCheckpoint, encode, load, set_aside, write
from warroom.settings import get_settings
from warroom.streams import stats
from warroom.streams.anomalies import OrderAnomalies
from warroom.streams.matching import MatchLearner

log = logging.getLogger(__name__)
T = TypeVar("T")


def directory() -> Path:
    s = get_settings()
    return s.data_dir / s.app_id / "models"


class Checkpointed(Generic[T]):
    """One model's live object and its checkpoint file."""

    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.name = name
        self.build = build
        self._obj: T | None = None
        self.restored_from: str | None = None
        self.error: str | None = None
        self.saved_at: float | None = None

    @property
    def path(self) -> Path:
        return directory() / f"{self.name}.ckpt"

    def get(self) -> T:
        """The model, restored from its checkpoint the first time it is asked for."""
        if self._obj is None:
            self._obj = self._restore()
        return self._obj

    def _restore(self) -> T:
        path = self.path
        try:
            obj = load(path)
        except CorruptCheckpoint as exc:
            aside = set_aside(path, time.strftime("%Y%m%dT%H%M%S"))
            self.error = f"{exc}; set aside as {aside.name}, started fresh"
            log.error("model %s: %s", self.name, self.error)
            stats.count(f"models.checkpoint_corrupt.{self.name}")
            return self.build()
        if obj is None:
            return self.build()
        self.restored_from = str(path)
        log.info("model %s resumed from %s", self.name, path)
        return obj

    async def save(self) -> int:
        """Checkpoint the model (pickled here, written in a thread); bytes written."""
        if self._obj is None:
            return 0
        blob = encode(self._obj)
        written = await asyncio.to_thread(write, self.path, blob)
        self.saved_at = time.time()
        stats.count(f"models.checkpoints.{self.name}")
        return written

    def status(self) -> dict[str, str | None]:
        return {"restored_from": self.restored_from, "checkpoint_error": self.error}

    def reset(self) -> None:
        """Forget the live object (tests; the next ``get`` restores again)."""
        self._obj = None
        self.restored_from = self.error = None


match_state = Checkpointed("match", lambda: MatchLearner(window_s=get_settings().match_window_s))
anomaly_state = Checkpointed("order_anomaly", OrderAnomalies)
STATES: tuple[Checkpointed[MatchLearner] | Checkpointed[OrderAnomalies], ...] = (
    match_state,
    anomaly_state,
)
