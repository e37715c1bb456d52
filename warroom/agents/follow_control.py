"""Every worker follows the control topic from its start: rule versions go to its rulebook,
entity changes to its entity cache; the next event uses them. Not a group consumer:
every worker needs every message."""

from __future__ import annotations

import logging

import orjson
from mode import Service

from warroom.app import app
from warroom.rules.rulebook import rulebook
from warroom.schemas.control import (
    AllowListChanged,
    EntityChanged,
    KillSwitch,
    RuleCandidate,
    RulePublished,
)
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.allow_list import allow_list
from warroom.streams.entities import budget_switch, entities
from warroom.streams.tail import TopicTail

log = logging.getLogger(__name__)


def apply_control(topic: str, raw: bytes) -> None:
    kind = orjson.loads(raw).get("type")
    if kind == "kill_switch":
        switch = KillSwitch.model_validate_json(raw)
        budget_switch.kill = switch.on
        log.warning(
            "kill switch %s by %s: %s", "ON" if switch.on else "off", switch.by, switch.reason
        )
        return
    if kind == "entity":
        entities.apply(EntityChanged.model_validate_json(raw))
        stats.count("control.entities")
        return
    if kind == "allow":
        allow_list.apply(AllowListChanged.model_validate_json(raw))
        stats.count("control.allow_list")
        return
    if kind == "candidate":
        candidate = RuleCandidate.model_validate_json(raw)
        if rulebook.apply_candidate(candidate):
            stats.count("rulebook.candidates")
            state = "ended" if candidate.body is None else "runs beside the live version"
            log.info("candidate %s v%d %s", candidate.rule_id, candidate.version, state)
        return
    message = RulePublished.model_validate_json(raw)
    if rulebook.apply(message):
        stats.count("rulebook.applied")
        log.info(
            "rule %s is now v%d (%s)", message.rule_id, message.version, message.body.get("mode")
        )


@app.service
class FollowControl(Service):
    tail: TopicTail | None = None

    async def on_start(self) -> None:
        bootstrap = get_settings().kafka_bootstrap or "127.0.0.1:9092"
        self.tail = TopicTail(bootstrap, {topics.control.get_topic_name(): (apply_control, None)})
        await self.tail.start()

    async def on_stop(self) -> None:
        if self.tail is not None:
            await self.tail.stop()
