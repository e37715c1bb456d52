"""A flash sale (秒单) on the real broker: the stock level comes in, a burst of orders from
many buyers at T-0 counts it down, the stock guard pauses the SKU's campaign through the
actuator before it sells out (the store's campaign is paused, the feed shows ``applied``),
``GET /v1/flash-sales/{sku}`` shows the countdown, and the burst gives no IP-burst verdict
while a bot's six orders from one IP in the same sale still do."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.sse import reading

pytestmark = pytest.mark.integration


async def made(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> None:
    resp = await client.post(path, json=body)
    assert resp.status_code == 201, resp.text


async def sale_world(client: httpx.AsyncClient) -> tuple[str, str, str]:
    run = uuid.uuid4().hex[:6]
    shop, sku, campaign = f"fs-{run}", f"fs-{run}-sku", f"fc-{run}"
    await made(client, "/v1/shops", {"id": shop, "name": "tea", "platform": "douyin"})
    product = {"id": sku, "shop_id": shop, "title": "Longjing", "category": "tea"}
    await made(
        client, "/v1/products", {**product, "list_price": "99", "cost_price": "40", "stock": 0}
    )
    await made(
        client,
        "/v1/campaigns",
        {
            "id": campaign, "shop_id": shop, "platform": "douyin", "objective": "orders",
            "daily_budget": "100", "bid": "1", "budget_cap": "500", "target_cpa": "10",
            "target_roi": "2",
        },
    )  # fmt: skip
    creative = {"id": f"fv-{run}", "campaign_id": campaign, "product_id": sku, "title": "T-0"}
    await made(client, "/v1/creatives", {**creative, "video_length_s": 30})
    return shop, sku, campaign


def orders(shop: str, sku: str, campaign: str, ips: list[str]) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    run = uuid.uuid4().hex[:6]
    return [
        {
            "event_id": f"{run}-{n}", "ts": now, "order_id": f"{run}-o{n}",
            "user_id": f"{run}-u{n}", "ip": ip, "shop_id": shop, "sku": sku, "quantity": 1,
            "unit_price": "99", "amount": "99", "campaign_id": campaign, "channel": "live",
        }
        for n, ip in enumerate(ips)
    ]  # fmt: skip


async def countdown(client: httpx.AsyncClient, sku: str, sold: int) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while True:
        resp = await client.get(f"/v1/flash-sales/{sku}")
        if resp.status_code == 200 and resp.json()["sold"] >= sold:
            return resp.json()  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, f"no countdown of {sold} sold: {resp.text}"
        await asyncio.sleep(0.1)


async def test_flash_sale_stops_the_campaign_before_stock_runs_out(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        shop, sku, campaign = await sale_world(client)
        await asyncio.sleep(1.5)  # the entities reach the worker on the control topic
        level = {"event_id": f"l-{sku}", "ts": datetime.now(UTC).isoformat(), "shop_id": shop,
                 "sku": sku, "available": 100}  # fmt: skip
        assert (await client.post("/v1/events/stock", json=[level])).status_code == 202
        await countdown(client, sku, 0)
        buyers = [f"100.{64 + n // 250}.{n % 250}.{7 + n % 3}" for n in range(93)]
        bot = "198.51.100.66"
        feed_url = f"{server.url}/v1/stream?kind=decision,verdict&entity=shop:{shop}&backlog=0"
        async with reading(feed_url, ADMIN) as feed:
            await client.post("/v1/events/orders", json=orders(shop, sku, campaign, buyers))
            pause = await feed.wait_for(
                lambda k, d: d.get("rule_id") == "flash.stock_guard" and d["result"] == "applied",
                timeout=15,
            )
            await client.post("/v1/events/orders", json=orders(shop, sku, campaign, [bot] * 6))
            await feed.wait_for(lambda k, d: k == "verdict" and f"ip:{bot}" in d["entities"], 15)
            verdicts = [d for k, d in feed.events if k == "verdict"]
        stored = (await client.get(f"/v1/campaigns/{campaign}")).json()
        shown = await countdown(client, sku, 99)

    assert (pause["action"], pause["entity_id"], pause["mode"]) == ("pause", campaign, "enforce")
    # decided while stock was left: few units, or the burst's pace sells the rest within 60 s
    left, seconds = pause["observed"]["remaining"], pause["observed"]["seconds_left"]
    assert left > 0 and (left <= 10 or seconds <= 60), pause["observed"]
    assert (pause["thresholds"]["level"], pause["thresholds"]["sku"]) == ("stop", sku)
    assert stored["status"] == "paused"
    assert (shown["remaining"], shown["level"], shown["stopped"]) == (1, "stop", [campaign])
    flagged = {e for v in verdicts for h in v["hits"] for e in [h["entity"]]}
    assert flagged == {f"ip:{bot}"}  # the sale's 93 buyers are no IP burst; the bot is
