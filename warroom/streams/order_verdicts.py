"""Each order's verdict so far (what the assembler folds partial verdicts into), bounded
in time and count, and cut by partition of the risk-hits topic for checkpoints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from warroom.rules.risk.combine import combine
from warroom.rules.risk.scoring import Thresholds
from warroom.rules.rulebook import rulebook
from warroom.schemas.decisions import Verdict
from warroom.streams.codecs import decode_trusted
from warroom.streams.ledger import Recent
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack

#: Orders are remembered this long (event time): later hits start a new verdict.
HORIZON_S = 6 * 3600
MAX_ORDERS = 500_000
FORMAT = 1


def thresholds() -> Thresholds:
    return cast(Thresholds, rulebook.current("risk.thresholds").params)


class OrderVerdicts:
    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self.known = Recent[Verdict](HORIZON_S, MAX_ORDERS)

    def fold(self, partial: Verdict, now: float | None) -> Verdict | None:
        """The order's verdict with ``partial`` in it, or None when nothing changed."""
        verdict = combine(self.known.get(partial.order_id), partial, thresholds())
        if verdict is not None:
            self.known.put(verdict.order_id, verdict.event_ts.timestamp(), verdict, now=now)
        return verdict

    def _on(self, partition: int) -> list[str]:
        return [k for k in self.known.ids() if partition_for(k, self.partitions) == partition]

    def dump(self, partition: int) -> bytes:
        saved = [self.known.get(k) for k in self._on(partition)]
        rows = [v.model_dump_json() for v in saved if v is not None]
        return pack(FORMAT, rows)

    def load(self, partition: int, data: bytes | None) -> None:
        for key in self._on(partition):
            self.known.pop(key)
        if data is None:
            return
        rows = unpack(data, FORMAT)
        for row in rows:
            verdict = Verdict.model_validate_json(row)
            self.known.put(verdict.order_id, verdict.event_ts.timestamp(), verdict)

    def replay(self, values: Iterable[bytes]) -> None:
        for raw in values:
            for partial in decode_trusted(Verdict, raw):
                self.fold(partial, now=None)
