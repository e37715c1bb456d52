"""Action latency probes: one burning campaign at a time, from its impressions to the
actuator's ``applied`` decision.

Setup goes through warroom's API as an ad buyer's would: a shop, its campaigns (target
CPA ¥10), and a shop-scoped fast-stop rule published in enforce mode with no learning
phase and no cool-down. A probe produces one envelope of 40 impressions at ¥1 (spend ¥40
≥ 2 × target CPA, no order) for a fresh campaign, straight to the clicks topic on the
campaign's partition, and waits for that campaign's decision to come back applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaProducer

from warroom.streams.partitioning import partition_for

from .listen import Outputs

CONDITION = "spend_30m >= 2 * target_cpa and orders_30m == 0"
GUARDRAILS = {"learning_minutes": 0, "cooldown_s": 0, "max_actions_per_day": 100}
IMPRESSIONS = 40  # at ¥1 each: ¥40 against a target CPA of ¥10


class SetupError(Exception):
    """The API refused a step of the setup."""


@dataclass(frozen=True)
class Probe:
    campaign: str
    sent: float  # wall clock just before the envelope went to the producer
    proposed: float | None  # when the proposed decision arrived
    done: float | None  # when the applied (or failed / skipped) decision arrived
    result: str  # "applied", "failed", "skipped", or "timeout"


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> None:
    resp = await client.post(url, json=body)
    if resp.status_code != 201:
        raise SetupError(f"POST {url}: {resp.status_code} {resp.text[:300]}")


async def setup(client: httpx.AsyncClient, campaigns: int) -> tuple[str, str, list[str]]:
    """A new shop with ``campaigns`` active campaigns and the enforce-mode rule; the ids
    of the shop, the rule and the campaigns."""
    run = uuid.uuid4().hex[:6]
    shop = f"lat-{run}"
    body = {"id": shop, "name": "latency", "platform": "douyin", "time_zone": "Asia/Shanghai"}
    await _post(client, "/v1/shops", body)
    ids = [f"lat-{run}-c{k}" for k in range(campaigns)]
    for campaign in ids:
        await _post(client, "/v1/campaigns", campaign_body(campaign, shop))
    rule = f"budget.lat{run}"
    draft = {
        "mode": "enforce",
        "condition": CONDITION,
        "action": {"type": "pause"},
        "guardrails": GUARDRAILS,
    }
    rule_body = {"id": rule, "kind": "condition", "shop_id": shop, "scope": "campaign"}
    await _post(client, "/v1/rules", {**rule_body, "draft": draft})
    await _post(client, f"/v1/rules/{rule}/publish", {})
    return shop, rule, ids


def campaign_body(campaign: str, shop: str) -> dict[str, Any]:
    return {
        "id": campaign,
        "shop_id": shop,
        "platform": "douyin",
        "objective": "orders",
        "daily_budget": "100",
        "bid": "1",
        "budget_cap": "500",
        "target_cpa": "10",
        "target_roi": "2",
    }


def burning(shop: str, campaign: str) -> bytes:
    """One envelope: ``IMPRESSIONS`` paid impressions now, no click, no order."""
    now = datetime.now(UTC).isoformat()
    ad = {"ts": now, "kind": "impression", "shop_id": shop, "campaign_id": campaign}
    return orjson.dumps(
        [
            {**ad, "event_id": f"{campaign}-{k}", "creative_id": "cr-1", "cost": "1.00"}
            | {"viewer": {"viewer_id": f"v{k}"}}
            for k in range(IMPRESSIONS)
        ]
    )


async def probe(
    producer: AIOKafkaProducer,
    topic: str,
    partitions: int,
    shop: str,
    campaign: str,
    out: Outputs,
    wait_s: float,
) -> Probe:
    """Burn money on ``campaign`` and wait until its decision is applied (or not)."""
    value = burning(shop, campaign)
    partition = partition_for(campaign, partitions)
    sent = time.time()
    await producer.send(topic, value, partition=partition)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(out.arrived[campaign].wait(), wait_s)
    proposed = out.decisions.get((campaign, "proposed"))
    at = proposed.at if proposed else None
    for result in ("applied", "failed", "skipped"):
        if (seen := out.decisions.get((campaign, result))) is not None:
            return Probe(campaign, sent, at, seen.at, result)
    return Probe(campaign, sent, at, None, "timeout")
