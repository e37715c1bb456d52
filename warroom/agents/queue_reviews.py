"""Put held and review verdicts in the review queue (the worker's SQL store), one
transaction per batch, off the event loop. The agent's consumer group hands each verdict
to one worker; a redelivered verdict changes nothing, so at-least-once is enough.

While the store refuses (locked, restarting) the batch is retried and the partition
waits: a verdict is never acknowledged before it is queued.
"""

from __future__ import annotations

import asyncio
import logging

from faust.types import StreamT
from sqlalchemy.exc import OperationalError

from warroom.app import app
from warroom.errors import Conflict
from warroom.schemas.decisions import Verdict
from warroom.settings import get_settings
from warroom.store.reviews import RANK, queue
from warroom.store.shared import shared
from warroom.streams import stats, topics
from warroom.streams.batches import value_batches
from warroom.streams.codecs import decode_trusted

log = logging.getLogger(__name__)
_s = get_settings()
RETRY_S = (0.1, 0.5, 1.0, 2.0, 5.0)


def queue_batch(verdicts: list[Verdict]) -> int:
    """Queue one batch in one transaction; returns how many orders changed."""
    with shared().session() as session:
        return queue(session, verdicts)


async def queue_with_retry(verdicts: list[Verdict]) -> int:
    attempt = 0
    while True:
        try:
            return await asyncio.to_thread(queue_batch, verdicts)
        except (OperationalError, Conflict) as exc:
            wait = RETRY_S[min(attempt, len(RETRY_S) - 1)]
            log.warning("review queue: store refused a batch (%s); retrying in %gs", exc, wait)
            stats.count("reviews.retries")
            attempt += 1
            await asyncio.sleep(wait)


@app.agent(topics.verdicts)
async def queue_reviews(stream: StreamT[bytes]) -> None:
    async for batch in value_batches(stream, _s.batch_max, _s.background_within_s):
        verdicts = [v for raw in batch for v in decode_trusted(Verdict, raw)]
        wanted = [v for v in verdicts if v.mode == "enforce" and v.outcome in RANK]
        if wanted:
            stats.count("reviews.queued", await queue_with_retry(wanted))
