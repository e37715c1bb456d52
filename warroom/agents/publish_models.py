"""Publish what the online models know and keep them safe.

- every flush interval: close the attribution windows that passed (their clicks are
  learned as "no order") and publish the campaigns' and creatives' match scores;
- every ``REPORT_S``: judge champion vs challenger (a promotion is audited), then
  publish each version's rolling quality, the champion's weights, the creator counters;
- every ``model_checkpoint_s`` and on shutdown: checkpoint every model;
- follow the ``models`` topic (the budget rules read match scores from it) and the
  operators' commands (promote, rollback).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from mode import Service

from warroom.app import app
from warroom.errors import WarroomError
from warroom.models.champion import Switch
from warroom.observability import metrics
from warroom.schemas.models import ModelCommand, ModelReport, ModelSwitch, QualityFigures
from warroom.settings import get_settings
from warroom.store import audit
from warroom.store.shared import shared
from warroom.streams import model_topics, stats
from warroom.streams.matching import SOURCE
from warroom.streams.model_state import STATES, anomaly_state, match_state
from warroom.streams.model_view import model_view
from warroom.streams.send import send_envelopes
from warroom.streams.tail import Route, TopicTail

log = logging.getLogger(__name__)
_s = get_settings()
REPORT_S = 5.0
#: Switches decided (by the contest or a command) and not yet published.
switches: list[ModelSwitch] = []


def switch_record(switch: Switch, by: str) -> ModelSwitch:
    now = time.time()
    return ModelSwitch(
        key=f"{switch.model}|{switch.action}|{switch.champion}|{now:.3f}",
        model=switch.model,
        action=switch.action,
        champion=switch.champion,
        previous=switch.previous,
        reason=switch.reason,
        by=by,
        champion_quality=QualityFigures.model_validate(switch.champion_quality.model_dump()),
        previous_quality=QualityFigures.model_validate(switch.previous_quality.model_dump()),
        source=SOURCE,
        at=now,
    )


def _audit(record: ModelSwitch) -> None:
    with shared().session() as session:
        audit.record(
            session,
            record.by,
            record.action,
            "model",
            record.model,
            None,
            {"champion": record.previous, **record.previous_quality.model_dump()},
            {
                "champion": record.champion,
                "reason": record.reason,
                **record.champion_quality.model_dump(),
            },
        )


async def send(records: list[Any]) -> None:
    await send_envelopes(
        model_topics.models, records, key=lambda r: getattr(r, "campaign_id", "models")
    )


@app.timer(_s.flush_interval_s)
async def publish_match_scores() -> None:
    learner = match_state.get()
    stats.count("models.match.resolved", learner.resolve())
    await send(learner.scores(time.time()))


@app.timer(REPORT_S)
async def publish_model_reports() -> None:
    learner, now = match_state.get(), time.time()
    if (switch := learner.judge()) is not None:
        switches.append(switch_record(switch, "model:match"))
    decided = switches[:]
    switches.clear()
    for record in decided:
        try:
            await asyncio.to_thread(_audit, record)
        except WarroomError:  # no store in this process (agent tests)
            log.warning("model switch not audited (no store): %s", record.key)
        log.warning(
            "model %s: %s %s (%s)", record.model, record.action, record.champion, record.reason
        )
    news: list[Any] = [*decided, *learner.reports(now, match_state.status())]
    news.append(anomaly_state.get().report(now, anomaly_state.status()))
    gauges(news)
    news.append(learner.snapshot(now))
    news += learner.creators.records(SOURCE, now)
    await send(news)


def gauges(news: list[Any]) -> None:
    """Each version's rolling figures on the worker's /metrics (``warroom_model_metric``)."""
    for report in (n for n in news if isinstance(n, ModelReport)):
        name = f"{report.version}:{report.role}"
        for metric in ("auc", "logloss", "baseline_logloss", "examples", "pending", "flagged"):
            if (value := getattr(report, metric)) is not None:
                metrics.model_metric(name, metric, float(value))


@app.timer(_s.model_checkpoint_s)
async def checkpoint_models() -> None:
    for state in STATES:
        await state.save()


def apply_command(topic: str, raw: bytes) -> None:
    """An operator's promote / rollback (read by every worker)."""
    command = ModelCommand.model_validate_json(raw)
    if command.model != "match":
        return
    contest = match_state.get().contest
    reason = command.reason or f"{command.action} asked by {command.by}"
    switch = contest.rollback(reason)  # both swap champion and challenger
    if switch is not None:
        switch = switch.model_copy(update={"action": command.action})
        switches.append(switch_record(switch, command.by))


@app.service
class FollowModels(Service):
    """Reads the ``models`` topic into this worker's view and the operators' commands;
    checkpoints every model when the worker stops."""

    tail: TopicTail | None = None

    async def on_start(self) -> None:
        bootstrap = _s.kafka_bootstrap or "127.0.0.1:9092"
        routes: dict[str, Route] = {  # one consumer for the two
            model_topics.models.get_topic_name(): (model_view.publish_envelope, 2000),
            model_topics.model_commands.get_topic_name(): (apply_command, 0),
        }
        self.tail = TopicTail(bootstrap, routes)
        await self.tail.start()

    async def on_stop(self) -> None:
        if self.tail is not None:
            await self.tail.stop()
        for state in STATES:
            written = await state.save()
            if written:
                log.info("model %s checkpointed on shutdown (%d bytes)", state.name, written)
