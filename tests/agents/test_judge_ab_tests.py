"""The A/B test agent with ``agent.test_context()``: a test declared as an ``ab_test``
rule is judged on its creatives' live snapshots; a clear winner on CTR is reported with
its confidence, copied once, and the control paused, through the decisions topic."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.agents.test_agents import Sent, uid
from warroom.agents.judge_ab_tests import judge_ab_tests
from warroom.rules.rulebook import rulebook
from warroom.schemas.control import RulePublished
from warroom.schemas.internal import CampaignMinute, CreativeLive
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope


@pytest.fixture
def states(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.ab_tests_live, monkeypatch)


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.decisions, monkeypatch)


@pytest.fixture
def ab_test() -> Iterator[Any]:
    """Publish an A/B test rule to this worker's rulebook; removed after the test."""
    made: list[str] = []

    def publish(rule_id: str, creatives: list[str], mode: str = "enforce") -> None:
        body = {"mode": mode, "params": {"creatives": creatives, "min_trials": 1000}}
        message = RulePublished(
            rule_id=rule_id,
            version=1,
            kind="ab_test",
            family="budget",
            scope="creative",
            shop_id="s1",
            body=body,
            published_at=datetime.now(UTC),
            published_by="test",
        )
        assert rulebook.apply(message)
        made.append(rule_id)

    yield publish
    for rule_id in made:
        rulebook._current.pop(rule_id)


def snapshot(creative: str, campaign: str, impressions: int, clicks: int) -> CreativeLive:
    minute = int(time.time() // 60)
    counts = CampaignMinute(minute=minute, impressions=impressions, clicks=clicks)
    return CreativeLive(
        creative_id=creative,
        campaign_id=campaign,
        shop_id="s1",
        minutes=[counts],
        updated_at=time.time(),
    )


async def test_a_clear_winner_is_copied_once_and_the_control_paused(
    states: Sent, decisions: Sent, ab_test: Any
) -> None:
    campaign, control, variant = f"c-{uid()}", f"cr-{uid()}", f"cr-{uid()}"
    rule_id = f"ab.{uid()}"
    ab_test(rule_id, [control, variant])
    async with judge_ab_tests.test_context() as agent:
        early = [snapshot(control, campaign, 500, 10), snapshot(variant, campaign, 500, 16)]
        await agent.put(encode_envelope(early))
        [running] = await states.wait_for(lambda s: s["rule_id"] == rule_id)
        late = [snapshot(control, campaign, 20_000, 400), snapshot(variant, campaign, 20_000, 640)]
        await agent.put(encode_envelope(late))
        await states.wait_for(lambda s: s["rule_id"] == rule_id and s["status"] == "decided")
        await agent.put(encode_envelope(late))  # judged again: no second copy
        await states.wait_for(
            lambda s: s["rule_id"] == rule_id and s["status"] == "decided", timeout=0.5
        )

    assert (running["status"], running["winner"]) == ("running", None)
    decided = [s for s in states.records if s["rule_id"] == rule_id][-1]
    assert (decided["winner"], decided["losers"]) == (variant, [control])
    assert decided["confidence"] > 0.99
    by_id = {v["creative_id"]: v for v in decided["variants"]}
    assert by_id[variant]["value"] == pytest.approx(0.032) and by_id[control]["p_value"] is None
    made = [(d["action"], d["entity_id"]) for d in decisions.records]
    assert made == [("copy", variant), ("pause", control)]
