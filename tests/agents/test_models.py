"""The model agents with ``agent.test_context()``: ingest feeds the match learner (clicks
by viewer, creator tallies), the learner scores clicks and learns orders, the timers
publish scores and reports, the anomaly agent flags odd orders as rule hits, and the
models survive a restart through their checkpoints (a corrupt one is refused)."""

from __future__ import annotations

import inspect
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client import REGISTRY

from tests.agents.test_agents import Sent, eventually, uid
from warroom.agents import publish_models
from warroom.agents.ingest_clicks import ingest_clicks
from warroom.agents.learn_match import learn_match_clicks, learn_match_orders
from warroom.agents.score_order_anomalies import score_order_anomalies
from warroom.rules.rulebook import rulebook
from warroom.schemas.control import RulePublished
from warroom.schemas.models import ModelCommand
from warroom.streams import model_state, model_topics, topics
from warroom.streams.model_state import anomaly_state, match_state

publish_match_scores = inspect.unwrap(publish_models.publish_match_scores)
publish_model_reports = inspect.unwrap(publish_models.publish_model_reports)


@pytest.fixture(autouse=True)
def fresh_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test starts with fresh models checkpointed under its own directory."""
    monkeypatch.setattr(model_state, "directory", lambda: tmp_path)
    for state in model_state.STATES:
        state.reset()
    yield tmp_path
    for state in model_state.STATES:
        state.reset()


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(model_topics.models, monkeypatch)


def ts(seconds_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).isoformat()


def click(
    user: str, kind: str = "click", seconds_ago: float = 3000, **viewer: Any
) -> dict[str, Any]:
    return {
        "event_id": f"clk-{uid()}",
        "ts": ts(seconds_ago),
        "kind": kind,
        "shop_id": "shop-1",
        "campaign_id": viewer.pop("campaign", "cp-1"),
        "creative_id": "cr-1",
        "creator_id": "creator-1",
        "product_id": "SKU-1",
        "viewer": {"viewer_id": user, **viewer},
    }


def order(user: str, seconds_ago: float, **over: Any) -> dict[str, Any]:
    oid = f"o-{uid()}"
    return {
        "event_id": f"e-{oid}",
        "ts": ts(seconds_ago),
        "order_id": oid,
        "user_id": user,
        "ip": over.pop("ip", f"10.{random.randrange(256)}.{random.randrange(256)}.9"),
        "shop_id": "shop-1",
        "sku": "SKU-1",
        "quantity": 1,
        "unit_price": "59.90",
        "amount": "59.90",
        "campaign_id": "cp-1",
        "creator_id": "creator-1",
        **over,
    }


async def test_ingest_sends_clicks_by_viewer_and_creator_tallies_to_the_learner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent = Sent(model_topics.match_clicks, monkeypatch)
    for other in (topics.clicks_valid, topics.campaign_activity):
        Sent(other, monkeypatch)
    events = [click("v1"), click("v2", kind="impression"), click("v2", kind="play")]
    async with ingest_clicks.test_context() as agent:
        await agent.put(orjson.dumps(events))
        records = await eventually(lambda: len(sent.records) >= 2 and sent.records, 3)
    clicks = [r["click"] for r in records if r["click"]]
    tallies = [r["tally"] for r in records if r["tally"]]
    assert [c["viewer"]["viewer_id"] for c in clicks] == ["v1"]  # impressions and plays: tallied
    assert tallies == [{"creator_id": "creator-1", "impressions": 1, "plays": 1, "clicks": 1}]


async def test_clicks_are_scored_orders_learned_and_scores_and_reports_published(
    models: Sent,
) -> None:
    women = [click(f"w{i}", gender="f", campaign="cp-w") for i in range(300)]
    men = [click(f"m{i}", gender="m", campaign="cp-m") for i in range(300)]
    buys = [order(f"w{i}", 2990) for i in range(0, 300, 3)] + [order("m1", 2990)]
    async with learn_match_clicks.test_context() as clicks_agent:
        await clicks_agent.put(orjson.dumps([{"click": c} for c in women + men]))
        await eventually(lambda: len(match_state.get().attribution) == 600, 3)
    later = order("someone", 1)  # the orders' time passes every window (30 min)
    async with learn_match_orders.test_context() as orders_agent:
        await orders_agent.put(orjson.dumps(buys))
        await orders_agent.put(orjson.dumps([later]))
        learner = match_state.get()
        await eventually(
            lambda: learner.attribution.watermark > 0 and len(learner.order_creators) == 102, 3
        )
    assert learner.contest.champion.quality.examples == 0  # learned when the windows close
    await publish_match_scores()
    assert learner.contest.champion.quality.positives == 101
    assert learner.contest.champion.quality.examples == 600
    scores = {r["id"]: r for r in models.records if r["type"] == "score"}
    assert {"cp-w", "cp-m", "cr-1"} <= set(scores) and scores["cp-w"]["clicks"] == 200
    await publish_model_reports()
    reports = [r for r in models.records if r["type"] == "report"]
    assert {(r["version"], r["role"]) for r in reports} >= {
        ("match@1", "champion"),
        ("match@2", "challenger"),
        ("order_anomaly@1", "champion"),
    }
    champion = next(r for r in reports if r["role"] == "champion" and r["model"] == "match")
    assert champion["positives"] == 101 and champion["pending"] == 0
    assert any(r["type"] == "snapshot" for r in models.records)
    labels = {"model": "match@1:champion", "metric": "examples"}
    assert REGISTRY.get_sample_value("warroom_model_metric", labels) == 600  # on /metrics
    assert any(r["type"] == "creator" and r["creator_id"] == "creator-1" for r in models.records)


async def test_odd_orders_are_flagged_as_model_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    hits = Sent(topics.risk_hits, monkeypatch)
    rule = rulebook.current("model.order_anomaly")
    rulebook.apply(
        RulePublished(
            rule_id=rule.rule_id,
            version=rule.version + 1,
            kind="order_anomaly",
            family="risk",
            scope="order",
            shop_id=None,
            published_at=datetime.now(UTC),
            published_by="t",
            body={"mode": "enforce", "params": {}},
        )
    )
    rng = random.Random(3)
    # the trees judge after one full window (1,000 orders: the rule's min_orders)
    usual = [
        order(
            f"u{rng.randrange(500)}",
            900 - i * 0.5,
            unit_price="59.90",
            amount=f"{59.90 * (q := rng.choice((1, 1, 2))):.2f}",
            quantity=q,
        )
        for i in range(1200)
    ]
    odd = order("bot", 1, ip="10.9.9.9", quantity=80, unit_price="9.90", amount="792.00")
    async with score_order_anomalies.test_context() as agent:
        await agent.put(orjson.dumps(usual))
        await agent.put(orjson.dumps([odd]))
        found = await hits.wait_for(lambda v: v["order_id"] == odd["order_id"])
    [hit] = [h for h in found[0]["hits"] if h["rule_id"] == "model.order_anomaly"]
    assert hit["observed"]["anomaly"] >= 0.85 and hit["score"] == 20
    assert "quantity 80 (high)" in hit["explanation"]
    assert anomaly_state.get().model.learned == 1201
    usual_hits = [v for v in hits.records if v["order_id"] != odd["order_id"]]
    assert len(usual_hits) < 0.02 * len(usual)


async def test_a_restarted_worker_resumes_from_the_checkpoint(fresh_models: Path) -> None:
    learner = match_state.get()
    async with learn_match_clicks.test_context() as agent:
        await agent.put(orjson.dumps([{"click": click(f"u{i}", gender="f")} for i in range(50)]))
        await eventually(lambda: len(learner.attribution) == 50, 3)
    assert await match_state.save() > 0
    match_state.reset()  # as a restart would
    again = match_state.get()
    assert again is not learner and len(again.attribution) == 50
    assert match_state.status()["restored_from"] == str(fresh_models / "match.ckpt")


async def test_a_corrupt_checkpoint_is_reported_set_aside_and_not_loaded(
    fresh_models: Path,
) -> None:
    match_state.get()
    await match_state.save()
    path = fresh_models / "match.ckpt"
    path.write_bytes(path.read_bytes()[:-100])
    match_state.reset()
    learner = match_state.get()
    assert len(learner.attribution) == 0 and learner.resolved == 0
    error = match_state.status()["checkpoint_error"]
    assert error is not None and "checksum mismatch" in error
    assert [p.name.startswith("match.ckpt.corrupt-") for p in fresh_models.iterdir()] == [True]


async def test_an_operators_rollback_swaps_champion_and_challenger_and_is_published(
    models: Sent,
) -> None:
    learner = match_state.get()
    assert (learner.contest.champion.version, learner.contest.challenger.version) == (  # type: ignore[union-attr]
        "match@1",
        "match@2",
    )
    command = ModelCommand(
        model="match", action="rollback", by="wk_ops", reason="drift", at=datetime.now(UTC)
    )
    publish_models.apply_command("model-commands", command.model_dump_json().encode())
    assert learner.contest.champion.version == "match@2"
    await publish_model_reports()
    [switch] = [r for r in models.records if r["type"] == "switch"]
    assert (switch["action"], switch["champion"], switch["by"]) == ("rollback", "match@2", "wk_ops")
    roles = {r["version"]: r["role"] for r in models.records if r["type"] == "report"}
    assert roles["match@2"] == "champion" and roles["match@1"] == "challenger"
