"""Live campaign counters survive a worker killed with SIGKILL: the restarted worker
restores its checkpoint and replays what was committed after it, so the numbers stay
exact (nothing lost, nothing counted twice)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import start_warroom, stop_warroom
from tests.integration.campaigns import impressions, new_campaign
from tests.integration.test_payments import payment
from tests.integration.test_pipeline import order
from tests.sse import reading

pytestmark = pytest.mark.integration


async def live_impressions(client: httpx.AsyncClient, campaign: str) -> tuple[int, int] | None:
    resp = await client.get(f"/v1/campaigns/{campaign}/live")
    if resp.status_code != 200:
        return None
    windows = resp.json()["windows"]
    return windows["60m"]["impressions"], windows["today"]["impressions"]


async def settle(client: httpx.AsyncClient, campaign: str, want: int, timeout: float) -> Any:
    """The live counts once they reach ``want`` (or whatever they are at the timeout)."""
    deadline = time.monotonic() + timeout
    counts = None
    while time.monotonic() < deadline:
        counts = await live_impressions(client, campaign)
        if counts is not None and counts[0] >= want:
            await asyncio.sleep(1.5)  # a double count would show up in the next snapshot
            return await live_impressions(client, campaign)
        await asyncio.sleep(0.2)
    return counts


async def send(client: httpx.AsyncClient, shop: str, campaign: str, tag: str, n: int) -> None:
    batch = impressions(shop, campaign, n, cost="0.10")
    for event in batch:
        event["event_id"] = f"{tag}-{event['event_id']}"
    for start in range(0, n, 50):  # several messages, so the replay crosses several offsets
        resp = await client.post("/v1/events/clicks", json=batch[start : start + 50])
        assert resp.status_code == 202, resp.text


async def test_counters_are_exact_after_a_kill_and_restart(broker: str, tmp_path: Path) -> None:
    # The first batch is checkpointed at once; later ones only after an hour: the second
    # batch is committed but not checkpointed when the worker dies, so it must be replayed.
    first = start_warroom(broker, tmp_path, WARROOM_CHECKPOINT_INTERVAL_S="3600")
    async with httpx.AsyncClient(base_url=first.url, headers=ADMIN) as client:
        shop, campaign = await new_campaign(client, "rec")
        await send(client, shop, campaign, "a", 200)
        assert await settle(client, campaign, 200, 20) == (200, 200)
        await send(client, shop, campaign, "b", 150)
        assert await settle(client, campaign, 350, 20) == (350, 350)
        await asyncio.sleep(4)  # Faust commits the offsets (every 2.8 s)
    first.proc.kill()
    first.proc.wait(10)

    second = start_warroom(broker, tmp_path, app_id=first.app_id)
    try:
        async with httpx.AsyncClient(base_url=second.url, headers=ADMIN) as client:
            await send(client, shop, campaign, "c", 100)
            assert await settle(client, campaign, 450, 40) == (450, 450)
            stats = (await client.get("/v1/stats")).json()
    finally:
        stop_warroom(second)
    assert stats["counters"].get("recovery.count_campaigns.replayed", 0) > 0


async def test_an_ip_burst_spanning_a_kill_and_restart_is_caught(
    broker: str, tmp_path: Path
) -> None:
    """Four orders before the worker dies, two after it restarts: six from one IP within
    60 s of event time, so the sixth is held, its evidence naming all six."""
    ip, at = "172.31.9.9", datetime.now(UTC) - timedelta(seconds=30)
    before = [order(ip, n, seconds_ago=30 - n) for n in range(4)]
    after = [order(ip, 10 + n, seconds_ago=20 - n) for n in range(2)]
    first = start_warroom(broker, tmp_path, WARROOM_CHECKPOINT_INTERVAL_S="0.5")
    async with httpx.AsyncClient(base_url=first.url, headers=ADMIN) as client:
        assert (await client.post("/v1/events/orders", json=before)).status_code == 202
        await asyncio.sleep(4)  # judged (no burst yet), checkpointed and committed
    first.proc.kill()
    first.proc.wait(10)

    second = start_warroom(broker, tmp_path, app_id=first.app_id)
    try:
        url = f"{second.url}/v1/stream?entity=ip:{ip}&backlog=0"
        async with reading(url, ADMIN) as feed:
            async with httpx.AsyncClient(base_url=second.url, headers=ADMIN) as client:
                assert (await client.post("/v1/events/orders", json=after)).status_code == 202
            verdict = await feed.wait_for(lambda k, d: k == "verdict", timeout=30)
    finally:
        stop_warroom(second)
    [hit] = verdict["hits"]
    assert hit["rule_id"] == "risk.same_ip_burst" and hit["observed"]["orders"] == 6
    assert sorted(hit["evidence"]) == sorted(o["order_id"] for o in before + after)
    assert at < datetime.fromisoformat(verdict["event_ts"])


async def test_a_payment_after_a_restart_is_judged_against_its_order_from_before(
    broker: str, tmp_path: Path
) -> None:
    """The order came before the worker died; its payment (¥10 short) after the restart is
    judged as a mismatch against it, not parked as a payment for an unknown order."""
    placed = order("172.31.7.7", 0)
    first = start_warroom(broker, tmp_path, WARROOM_CHECKPOINT_INTERVAL_S="0.5")
    async with httpx.AsyncClient(base_url=first.url, headers=ADMIN) as client:
        assert (await client.post("/v1/events/orders", json=[placed])).status_code == 202
        await asyncio.sleep(4)
    first.proc.kill()
    first.proc.wait(10)

    second = start_warroom(broker, tmp_path, app_id=first.app_id)
    try:
        url = f"{second.url}/v1/stream?entity=order:{placed['order_id']}&backlog=0"
        async with reading(url, ADMIN) as feed:
            async with httpx.AsyncClient(base_url=second.url, headers=ADMIN) as client:
                short = payment(placed["order_id"], amount="49.90")
                assert (await client.post("/v1/events/payments", json=[short])).status_code == 202
            verdict = await feed.wait_for(lambda k, d: k == "verdict", timeout=30)
    finally:
        stop_warroom(second)
    assert [h["rule_id"] for h in verdict["hits"]] == ["risk.payment_mismatch"]
    assert verdict["shop_id"] == placed["shop_id"]
