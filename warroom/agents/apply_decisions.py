"""Apply every enforce-mode budget decision through the actuator and report its result
(applied, skipped with the reason, failed with the error) on the decisions topic.

The decisions topic is keyed by shop, so one worker applies a shop's decisions, in
order. A message that is not a decision goes to the dead-letter topic.
"""

from __future__ import annotations

from typing import cast

from faust.types import EventT, StreamT
from pydantic import ValidationError

from warroom.actuator.actuator import Actuator
from warroom.actuator.adapters import make_adapter
from warroom.app import app
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.decisions import DeadLetter
from warroom.settings import get_settings
from warroom.store.shared import shared
from warroom.streams import topics
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.deadletter import Source, letter
from warroom.streams.ingest import report_dead
from warroom.streams.send import send_envelopes

_s = get_settings()
_actuator: Actuator | None = None


def actuator() -> Actuator:
    """The process's actuator, built on first use (the store opens at worker start)."""
    global _actuator
    if _actuator is None:
        _actuator = Actuator(shared(), make_adapter(get_settings()))
    return _actuator


def decode(event: EventT) -> tuple[list[BudgetDecision], list[DeadLetter]]:
    msg = event.message
    raw = cast(bytes, event.value) or b""
    try:
        return decode_trusted(BudgetDecision, raw if raw[:1] == b"[" else b"[" + raw + b"]"), []
    except ValidationError as exc:
        reason = f"not a budget decision: {exc.errors(include_url=False)[0]['msg']}"
        return [], [letter(Source(msg.topic, msg.partition, msg.offset, raw), reason, raw)]


@app.agent(topics.decisions)
async def apply_decisions(stream: StreamT[bytes]) -> None:
    async for batch in batches(stream, _s.batch_max, _s.batch_within_s):
        results: list[BudgetDecision] = []
        for event in batch:
            good, dead = decode(event)
            if dead:
                await report_dead("decisions", dead)
            for decision in good:
                if (result := await actuator().handle(decision)) is not None:
                    results.append(result)
        await send_envelopes(topics.decisions, results, key=lambda d: d.shop_id)
