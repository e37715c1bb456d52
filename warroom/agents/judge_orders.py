"""Sum every risk agent's hits on an order into one verdict (``rules/risk/combine.py``)
and send it to the verdicts topic whenever a new hit changes it.

A risk agent in this process folds its hits in directly when this process judges the
order's partition (``fold_here``, see ``streams/judging.py``): the verdict then leaves in
the rule's hop, and the hit read back from risk-hits here changes nothing.

The orders' verdicts so far survive restarts and rebalances (checkpoints + replay,
``streams/recovery.py``), so a hit after a restart adds to the earlier ones.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from faust.types import StreamT

from warroom.app import app
from warroom.observability import metrics
from warroom.schemas.decisions import Verdict
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.judging import judge_here
from warroom.streams.order_verdicts import OrderVerdicts
from warroom.streams.partitioning import partition_for
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes

_s = get_settings()
verdicts = OrderVerdicts(_s.partitions)
recovery = Recovery("judge_orders", verdicts)
follow_partitions(app, topics.risk_hits, recovery)


async def send(changed: list[Verdict]) -> None:
    stats.count("verdicts", len(changed))
    metrics.verdicts(changed)
    await send_envelopes(topics.verdicts, changed, key=lambda v: v.shop_id)


async def fold_here(partials: Sequence[Verdict]) -> None:
    """Fold the partials of the orders whose risk-hits partition this process judges, its
    state restored (the others wait for their judge, here or in another worker)."""
    if not recovery.next:  # nothing assigned and restored yet (or no store: agent tests)
        return
    now = time.time()
    changed: dict[str, Verdict] = {}
    for partial in partials:
        held = recovery.holds(partition_for(partial.order_id, _s.partitions))
        if held and (verdict := verdicts.fold(partial, now)) is not None:
            changed[verdict.order_id] = verdict
    if changed:
        stats.count("verdicts.folded_here", len(changed))
        await send(list(changed.values()))


judge_here(fold_here)


@app.agent(topics.risk_hits)
async def judge_orders(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    last_expiry = time.monotonic()
    async for batch in events:
        now = time.time()
        changed: dict[str, Verdict] = {}  # the last verdict of each order in the batch
        for raw in await admitted(recovery, batch):
            for partial in decode_trusted(Verdict, raw):
                if (verdict := verdicts.fold(partial, now)) is not None:
                    changed[verdict.order_id] = verdict
        await send(list(changed.values()))
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            verdicts.known.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now)
