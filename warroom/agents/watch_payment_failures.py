"""Keep a sliding log of failed payments per payer (user or card hash) and judge each
attempt with the repeated-failures rule: a run of failures, or a success right after one
(card testing). The log survives restarts (checkpoints + replay, ``streams/recovery.py``)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.risk import payment_failures
from warroom.rules.risk.verdict import payment_verdict_for
from warroom.rules.rulebook import rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.payer import PayerAttempt
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.allow_list import allow_list
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.judging import live_rule, payment_entities, send_verdicts
from warroom.streams.log_state import LogState
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.windows import SlidingLog

_s = get_settings()
#: Failed payments per payer ("user:u1", "card:h9f").
failures = SlidingLog(horizon_s=payment_failures.Params().window_s, lateness_s=300)


def failed(raw: bytes) -> Iterable[tuple[str, float, str]]:
    """The failed attempts of a payments-by-payer message, as log entries."""
    for attempt in decode_trusted(PayerAttempt, raw):
        if attempt.payment.status == "failed":
            yield attempt.entity, attempt.payment.ts.timestamp(), attempt.payment.payment_id


recovery = Recovery("watch_payment_failures", LogState(lambda: failures, failed, _s.partitions))
follow_partitions(app, topics.payments_by_payer, recovery)


def judge(attempt: PayerAttempt, now: datetime) -> Verdict | None:
    payment, ts = attempt.payment, attempt.payment.ts.timestamp()
    if payment.status == "failed":
        failures.add(attempt.entity, ts, payment.payment_id, now=now.timestamp())
    rule = live_rule(payment_failures.RULE_ID)
    if rule is None:
        return None
    params = cast(payment_failures.Params, rule.params)
    log = failures.around(attempt.entity, ts, params.window_s)
    hit = payment_failures.payment_failures(attempt.payer, attempt.key, ts, log, params)
    entities = [*payment_entities(payment, attempt.order), attempt.entity]
    hits = allow_list.standing([(hit, rule)] if hit else [], entities, now.timestamp())
    thresholds = rulebook.current("risk.thresholds")
    return payment_verdict_for(payment, attempt.order, hits, thresholds, now, via=attempt.entity)


@app.agent(topics.payments_by_payer)
async def watch_payment_failures(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        now = datetime.now(UTC)
        values = await admitted(recovery, batch)
        attempts = (a for raw in values for a in decode_trusted(PayerAttempt, raw))
        await send_verdicts([v for a in attempts if (v := judge(a, now))])
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            params = rulebook.current(payment_failures.RULE_ID).params
            failures.horizon_s = cast(payment_failures.Params, params).window_s
            failures.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now.timestamp())
