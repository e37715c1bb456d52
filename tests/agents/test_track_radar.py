"""The radar agent with ``agent.test_context()``: a product's searches, impressions, plays
and orders become its radar row; a product whose searches grow +350% and that converts at
3 orders per 1,000 impressions is tagged 今日必抢 with one coupon decision (shadow by default)
on the campaign that sells it; a quiet product is not."""

from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.agents.test_agents import Sent, uid
from warroom.agents import track_radar
from warroom.agents.track_radar import track_radar as track_radar_agent
from warroom.schemas.radar import ProductFlow
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope

publish_radar = inspect.unwrap(track_radar.publish_radar)


@pytest.fixture
def rows(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.radar_live, monkeypatch)


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.decisions, monkeypatch)


def flows(product: str, campaign: str, searches_before: int, orders: int) -> bytes:
    now = datetime.now(UTC).timestamp()
    base = {"product_id": product, "shop_id": "s1", "campaign_id": campaign}

    def many(kind: str, n: int, ago: float, **extra: Any) -> list[ProductFlow]:
        return [ProductFlow(kind=kind, ts=now - ago, **base, **extra) for _ in range(n)]  # type: ignore[arg-type]

    return encode_envelope(
        [
            *many("stock", 1, 7000, units=1000),
            *many("search", searches_before, 5400),
            *many("search", 90, 600),
            *many("impression", 4000, 600),
            *many("play", 600, 600, completed=True),
            *many("play", 400, 600),
            *many("click", 50, 600),
            *many("order", orders, 300, units=2),
        ]
    )


async def test_hot_product_is_tagged_and_gets_one_coupon(rows: Sent, decisions: Sent) -> None:
    hot, quiet, campaign = f"p-{uid()}", f"p-{uid()}", f"c-{uid()}"
    async with track_radar_agent.test_context() as agent:
        await agent.put(flows(hot, campaign, searches_before=20, orders=12))
        await agent.put(flows(quiet, campaign, searches_before=80, orders=12))
        for _ in range(300):  # until the agent has counted both (publish sends what moved)
            await publish_radar()
            if {hot, quiet} <= {r["product_id"] for r in rows.records}:
                break
            await asyncio.sleep(0.01)
        await agent.put(flows(hot, campaign, searches_before=0, orders=0))
        await publish_radar()

    first = next(r for r in rows.records if r["product_id"] == hot)
    assert first["search_growth"] == pytest.approx(3.5)
    assert first["completion_rate"] == pytest.approx(0.6)
    assert first["orders_per_mille"] == pytest.approx(3.0)
    assert (first["stock"], first["tags"], first["video_stage"]) == (976, ["今日必抢"], "new")
    assert first["stock_turnover_days"] == pytest.approx(976 / 576)  # 24 units/h
    calm = next(r for r in rows.records if r["product_id"] == quiet)
    assert calm["tags"] == [] and calm["search_growth"] == pytest.approx(0.125)
    [coupon] = decisions.records  # once, though the product was judged again
    assert (coupon["action"], coupon["entity_id"], coupon["rule_id"]) == (
        "coupon",
        campaign,
        "radar.hot_product",
    )
    assert (coupon["mode"], coupon["result"], coupon["reason"]) == ("shadow", "skipped", "shadow")
    assert coupon["changes"]["coupon_pct"]["after"] == "5"
