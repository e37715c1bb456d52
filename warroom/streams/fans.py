"""Who clicks each creator's content: a share per value of every viewer field, so a
creator × product pair can be scored for the creator's fan base as a whole.

Counts are halved once a creator passes ``horizon`` clicks: the fan base follows the
recent audience.
"""

from __future__ import annotations

from typing import Any

from warroom.models.features import VIEWER_FIELDS, shares
from warroom.schemas.models import FanBase

FIELDS = (*VIEWER_FIELDS, "preferred")
#: The fan base of everyone who clicked: what fills a field a creator's fan base lacks.
EVERYONE = "*"


class FanBases:
    def __init__(self, horizon: float = 2000.0, max_creators: int = 10_000) -> None:
        self.horizon = horizon
        self.max_creators = max_creators
        self._clickers: dict[str, float] = {}
        self._counts: dict[str, dict[str, dict[str, float]]] = {}

    def add(self, creator: str, x: dict[str, Any]) -> None:
        """One click on ``creator``'s content by the viewer of example ``x``."""
        if creator not in self._counts and len(self._counts) >= self.max_creators:
            return
        counts = self._counts.setdefault(creator, {f: {} for f in FIELDS})
        self._clickers[creator] = self._clickers.get(creator, 0.0) + 1.0
        for name in FIELDS:
            for value, share in shares(x.get(name)).items():
                counts[name][value] = counts[name].get(value, 0.0) + share
        if self._clickers[creator] > self.horizon:
            self._halve(creator)

    def _halve(self, creator: str) -> None:
        self._clickers[creator] /= 2
        for counter in self._counts[creator].values():
            for value in counter:
                counter[value] /= 2

    def fan_base(self, creator: str) -> FanBase | None:
        n = self._clickers.get(creator)
        if not n:
            return None
        parts = {
            name: {v: round(c / n, 4) for v, c in counter.items() if c > 0}
            for name, counter in self._counts[creator].items()
        }
        return FanBase(clickers=round(n, 2), **parts)

    def all(self) -> dict[str, FanBase]:
        return {c: fb for c in self._counts if (fb := self.fan_base(c)) is not None}


def as_example(fans: FanBase | dict[str, Any], everyone: FanBase | None = None) -> dict[str, Any]:
    """A fan base as a soft example (each field a distribution), for ``featurize``; a field
    it does not know comes from ``everyone`` (the model learned every field present, so a
    missing one would shift the score)."""
    known = fans if isinstance(fans, dict) else {n: getattr(fans, n) for n in FIELDS}
    out = {name: value for name, value in known.items() if value}
    for name in FIELDS if everyone is not None else ():
        if name not in out and (fill := getattr(everyone, name)):
            out[name] = fill
    return out
