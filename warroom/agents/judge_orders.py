"""Sum every risk agent's hits on an order into one verdict (``rules/risk/combine.py``)
and send it to the verdicts topic whenever a new hit changes it.

The orders' verdicts so far survive restarts and rebalances (checkpoints + replay,
``streams/recovery.py``), so a hit after a restart adds to the earlier ones.
"""

from __future__ import annotations

import time
from typing import Any, cast

from faust import Stream
from faust.types import TP, StreamT

from warroom.app import app
from warroom.observability import metrics
from warroom.schemas.decisions import Verdict
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.codecs import decode_trusted
from warroom.streams.order_verdicts import OrderVerdicts
from warroom.streams.recovery import Recovery
from warroom.streams.send import send_envelopes

_s = get_settings()
verdicts = OrderVerdicts(_s.partitions)
recovery = Recovery(
    "judge_orders",
    verdicts,
    lambda: get_settings().kafka_bootstrap or "127.0.0.1:9092",
    _s.checkpoint_interval_s,
)


async def send(changed: list[Verdict]) -> None:
    stats.count("verdicts", len(changed))
    metrics.verdicts(changed)
    await send_envelopes(topics.verdicts, changed, key=lambda v: v.shop_id)


@app.agent(topics.risk_hits)
async def judge_orders(stream: StreamT[bytes]) -> None:
    events = cast(Stream, stream).take_events(_s.batch_max, within=_s.batch_within_s)
    last_expiry = time.monotonic()
    async for batch in events:
        now = time.time()
        changed: dict[str, Verdict] = {}  # the last verdict of each order in the batch
        for event in batch:
            m = event.message
            if await recovery.admit(m.topic, m.partition, m.offset):
                for partial in decode_trusted(Verdict, event.value):
                    if (verdict := verdicts.fold(partial, now)) is not None:
                        changed[verdict.order_id] = verdict
        await send(list(changed.values()))
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            verdicts.known.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now)


def _mine(tps: set[TP]) -> list[int]:
    name = topics.risk_hits.get_topic_name()
    return [tp.partition for tp in tps if tp.topic == name]


@app.on_partitions_assigned.connect  # type: ignore[arg-type]  # mode's stub wants signal=
async def restore_assigned(sender: Any, assigned: set[TP], **_: Any) -> None:
    await recovery.assign(topics.risk_hits.get_topic_name(), _mine(assigned))


@app.on_partitions_revoked.connect  # type: ignore[arg-type]
async def checkpoint_revoked(sender: Any, revoked: set[TP], **_: Any) -> None:
    await recovery.revoke(_mine(revoked), time.time())
