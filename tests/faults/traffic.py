"""Traffic for fault tests, and the accounts kept of it: impressions for a few campaigns
and IP-burst attacks sent over HTTP while a fault happens, what the API accepted, and
what warroom shows for it afterwards (live counters, verdicts)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from kafka import KafkaConsumer

from tests.integration.test_pipeline import order

ATTACK_ORDERS = 6  # one more than risk.same_ip_burst allows in 60 s


@dataclass
class Traffic:
    """Sends events and keeps count of those the API accepted (202)."""

    client: httpx.AsyncClient
    shop: str
    campaigns: list[str]
    sent: Counter[str] = field(default_factory=Counter)
    attacks: dict[str, list[str]] = field(default_factory=dict)
    refused: int = 0
    stopping: bool = False
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    _seq: int = 0

    def impressions(self, campaign: str, n: int) -> list[dict[str, Any]]:
        now = datetime.now(UTC).isoformat()
        self._seq += n
        return [
            {
                "event_id": f"{self.run_id}-{campaign}-{self._seq - k}",
                "ts": now,
                "kind": "impression",
                "shop_id": self.shop,
                "campaign_id": campaign,
                "creative_id": "cr-1",
                "viewer": {"viewer_id": f"v{k}"},
                "cost": "0.10",
            }
            for k in range(n)
        ]

    async def post(self, kind: str, events: list[dict[str, Any]]) -> int:
        """Post ``events``; how many the API accepted (0 when it was unavailable)."""
        try:
            resp = await self.client.post(f"/v1/events/{kind}", json=events)
        except httpx.HTTPError:
            self.refused += len(events)
            return 0
        if resp.status_code != 202:
            self.refused += len(events)
            return 0
        accepted: int = resp.json()["accepted"]
        self.refused += len(events) - accepted
        return accepted

    async def tick(self, per_campaign: int) -> None:
        for campaign in self.campaigns:
            self.sent[campaign] += await self.post(
                "clicks", self.impressions(campaign, per_campaign)
            )

    async def attack(self, ip: str, orders: int = ATTACK_ORDERS) -> None:
        """``orders`` orders from ``ip`` (one request each, as a burst arrives)."""
        made = [order(ip, n, seconds_ago=0) for n in range(orders)]
        for o in made:
            if await self.post("orders", [o]):
                self.attacks.setdefault(ip, []).append(o["order_id"])

    async def run(self, seconds: float, per_campaign: int = 10, every: float = 0.25) -> None:
        """Impressions every ``every`` seconds, an attack every 8 ticks, for ``seconds``
        or until ``stop``."""
        deadline, ticks = time.monotonic() + seconds, 0
        self.stopping = False
        while time.monotonic() < deadline and not self.stopping:
            await self.tick(per_campaign)
            if ticks % 8 == 0:
                await self.attack(f"10.{len(self.attacks) // 250}.{len(self.attacks) % 250}.9")
            ticks += 1
            await asyncio.sleep(every)

    @property
    def events_in(self) -> int:
        return sum(self.sent.values()) + sum(len(v) for v in self.attacks.values())


async def live_counts(client: httpx.AsyncClient, campaigns: list[str]) -> dict[str, int]:
    """Today's impressions per campaign as the live metrics show them (-1: none yet)."""
    out = {}
    for campaign in campaigns:
        resp = await client.get(f"/v1/campaigns/{campaign}/live")
        ok = resp.status_code == 200
        out[campaign] = resp.json()["windows"]["today"]["impressions"] if ok else -1
    return out


async def until_counted(
    client: httpx.AsyncClient, want: Counter[str], timeout: float, poll: float = 0.2
) -> tuple[dict[str, int], float]:
    """The live counts once every campaign reaches ``want`` (or at the timeout), and how
    long that took."""
    started = time.monotonic()
    counts: dict[str, int] = {}
    while time.monotonic() - started < timeout:
        counts = await live_counts(client, list(want))
        if all(counts[c] >= n for c, n in want.items()):
            break
        await asyncio.sleep(poll)
    return counts, time.monotonic() - started


async def settled(client: httpx.AsyncClient, want: Counter[str], timeout: float) -> dict[str, int]:
    """The live counts once they reach ``want`` and a moment later (a double count, were
    there one, would show by then)."""
    await until_counted(client, want, timeout)
    await asyncio.sleep(2)
    return await live_counts(client, list(want))


def messages(bootstrap: str, topic: str, idle_ms: int = 3000) -> list[Any]:
    """Every record on ``topic`` from its start (envelopes opened)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=idle_ms,
        group_id=None,
    )
    found: list[Any] = []
    try:
        for message in consumer:
            value = orjson.loads(message.value)
            found.extend(value if isinstance(value, list) else [value])
    finally:
        consumer.close()
    return found


def verdicts_by_ip(bootstrap: str, topic: str) -> dict[str, list[Any]]:
    """Every verdict on ``topic`` (from its start) by the IP it names."""
    found: dict[str, list[Any]] = {}
    for verdict in messages(bootstrap, topic):
        for entity in verdict["entities"]:
            if entity.startswith("ip:"):
                found.setdefault(entity[3:], []).append(verdict)
    return found


async def copy_campaign(client: httpx.AsyncClient, first: str, new_id: str) -> str:
    """A campaign like ``first`` (budget ¥100, target CPA ¥10) under ``new_id``."""
    body = (await client.get(f"/v1/campaigns/{first}")).json()
    fields = ("shop_id", "platform", "objective", "daily_budget", "bid", "budget_cap")
    made = {f: body[f] for f in fields} | {"id": new_id, "target_cpa": "10", "target_roi": "2"}
    resp = await client.post("/v1/campaigns", json=made)
    assert resp.status_code == 201, resp.text
    return new_id
