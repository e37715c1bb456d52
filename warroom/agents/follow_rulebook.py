"""Every worker follows the control topic from its start and applies each rule version
to its rulebook; the next event uses it. Not a group consumer: every worker needs all."""

from __future__ import annotations

import logging

from mode import Service

from warroom.app import app
from warroom.rules.rulebook import rulebook
from warroom.schemas.control import RulePublished
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.tail import TopicTail

log = logging.getLogger(__name__)


def apply_control(topic: str, raw: bytes) -> None:
    message = RulePublished.model_validate_json(raw)
    if rulebook.apply(message):
        stats.count("rulebook.applied")
        log.info(
            "rule %s is now v%d (%s)", message.rule_id, message.version, message.body.get("mode")
        )


@app.service
class FollowRulebook(Service):
    tail: TopicTail | None = None

    async def on_start(self) -> None:
        bootstrap = get_settings().kafka_bootstrap or "127.0.0.1:9092"
        self.tail = TopicTail(
            bootstrap, [topics.control.get_topic_name()], apply_control, backlog=None
        )
        await self.tail.start()

    async def on_stop(self) -> None:
        if self.tail is not None:
            await self.tail.stop()
