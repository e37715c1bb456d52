"""Validate payments; the payment rules of issue 5 will consume them."""

from __future__ import annotations

from faust.types import StreamT

from warroom.app import app
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.ingest import ingest_batch

_s = get_settings()

async def _no_consumer_yet(payments: object) -> None:
    """Valid payments are counted; nothing downstream reads them until issue 5."""

@app.agent(topics.payments)
async def ingest_payments(stream: StreamT[bytes]) -> None:
    async for batch in stream.take_events(_s.batch_max, within=_s.batch_within_s):
        await ingest_batch("payments", batch, _no_consumer_yet)
