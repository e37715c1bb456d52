"""The journey agent with ``agent.test_context()``: viewers who clicked a product and did
not order it join its retargeting audience once the window has passed and leave it when
they order; the funnel counts viewers per step of each creative and segment; a discovery
buyer who follows and buys again within 48 h is counted in the shop's and creator's loop."""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.agents.test_agents import Sent, uid
from warroom.agents import track_journeys
from warroom.agents.track_journeys import track_journeys as track_journeys_agent
from warroom.schemas.journeys import Journey
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope

publish_journeys = inspect.unwrap(track_journeys.publish_journeys)


@pytest.fixture
def news(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.journeys_live, monkeypatch)


def step(kind: str, viewer: str, ago: float, **over: Any) -> Journey:
    base = {"shop_id": "s1", "campaign_id": "c1", "creative_id": "cr1", "product_id": "p1"}
    now = datetime.now(UTC).timestamp()
    return Journey(kind=kind, viewer_id=viewer, ts=now - ago, **{**base, **over})  # type: ignore[arg-type]


def latest_members(news: Sent) -> dict[str, bool]:
    return {r["viewer_id"]: r["active"] for r in news.records if "active" in r}


async def test_audience_funnel_and_loop(news: Sent) -> None:
    shop = f"s-{uid()}"
    idle, buyer, late, writer = (f"v-{uid()}" for _ in range(4))
    seen = [
        step("view", idle, 7200, shop_id=shop, segment="f/24-30"),
        step("click", idle, 7100, shop_id=shop),
        step("click", buyer, 7000, shop_id=shop, segment="m/31-40"),
        step("order", buyer, 6900, shop_id=shop, channel="video", creator_id="k1"),
        step("follow", buyer, 6800, shop_id=shop, creator_id="k1"),
        step("order", buyer, 3600, shop_id=shop, channel="shop", creative_id=""),
        step("click", late, 7000, shop_id=shop, segment="m/31-40"),
        step("message", writer, 60, shop_id=shop, segment="f/24-30"),
    ]
    async with track_journeys_agent.test_context() as agent:
        await agent.put(encode_envelope(seen))
        for _ in range(100):  # until the agent has taken the batch (its window: 250 ms)
            await publish_journeys()
            if latest_members(news).get(late):
                break
            await asyncio.sleep(0.02)
        assert latest_members(news) == {idle: True, late: True}
        await agent.put(encode_envelope([step("order", late, 0, shop_id=shop, channel="search")]))
        await news.wait_for(lambda r: r.get("viewer_id") == late and r["active"] is False)
        await publish_journeys()

    member = next(r for r in news.records if r.get("viewer_id") == idle)
    assert (member["product_id"], member["campaign_id"], member["creative_id"]) == (
        "p1",
        "c1",
        "cr1",
    )
    latest: dict[tuple[str, int], dict[str, Any]] = {}  # the last count per segment, partition
    for r in news.records:
        if "view" in r and r["shop_id"] == shop:
            latest[(r["segment"], r["partition"])] = r
    totals: Counter[str] = Counter()
    by_segment: dict[str, Counter[str]] = {}
    for (segment, _), r in latest.items():
        for name in ("view", "click", "message", "order"):
            totals[name] += r[name]
            by_segment.setdefault(segment, Counter())[name] += r[name]
    assert dict(totals) == {"view": 4, "click": 4, "message": 1, "order": 2}
    assert by_segment["m/31-40"]["order"] == 2
    [loop] = [r for r in news.records if "t0_buyers" in r and r["shop_id"] == shop][-1:]
    assert (loop["creator_id"], loop["t0_buyers"], loop["followed"]) == ("k1", 1, 1)
    assert (loop["repurchased_48h"], loop["repurchased_30d"]) == (1, 1)
