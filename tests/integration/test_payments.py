"""Payments judged against their orders on the real broker: orders and payments over
HTTP, explained verdicts on the SSE feed (a ``warroom serve`` process)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.integration.test_pipeline import order
from tests.sse import reading

pytestmark = pytest.mark.integration

UNKNOWN_ORDER = "/v1/rules/risk.unknown_order_payment"


def payment(order_id: str, amount: str = "59.90", payment_id: str = "") -> dict[str, Any]:
    return {
        "event_id": f"pe-{uuid.uuid4().hex[:8]}",
        "ts": datetime.now(UTC).isoformat(),
        "payment_id": payment_id or f"p-{order_id}",
        "order_id": order_id,
        "amount": amount,
        "method": "wechat",
        "status": "success",
    }


def hit_of(rule_id: str):
    def match(kind: str, data: dict[str, Any]) -> bool:
        return kind == "verdict" and rule_id in [h["rule_id"] for h in data["hits"]]

    return match


async def test_a_payment_of_another_amount_gives_a_mismatch_verdict(server: Server) -> None:
    placed = order("61.1.1.1", 0, amount="59.90")
    oid = placed["order_id"]
    async with reading(f"{server.url}/v1/stream?entity=order:{oid}&backlog=0", ADMIN) as feed:
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            assert (await client.post("/v1/events/orders", json=[placed])).status_code == 202
            await client.post("/v1/events/payments", json=[payment(oid, amount="9.90")])
        verdict = await feed.wait_for(hit_of("risk.payment_mismatch"), timeout=10)

    assert (verdict["order_id"], verdict["shop_id"]) == (oid, "shop-1")
    assert f"payment:p-{oid}" in verdict["entities"]
    [hit] = verdict["hits"]
    assert Decimal(hit["observed"]["paid"]) == Decimal("9.90")
    assert Decimal(hit["observed"]["order_amount"]) == Decimal("59.90")


async def test_a_payment_for_an_order_never_sent_is_flagged_after_the_grace_period(
    server: Server,
) -> None:
    oid = f"o-never-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        rule = (await client.get(UNKNOWN_ORDER)).json()
        draft = {"mode": "enforce", "params": {**rule["draft"]["params"], "grace_s": 1}}
        patched = await client.patch(
            UNKNOWN_ORDER, json={"revision": rule["revision"], "draft": draft}
        )
        assert patched.status_code == 200, patched.text
        published = await client.post(f"{UNKNOWN_ORDER}/publish", json={"note": "grace 1 s"})
        assert published.status_code == 201, published.text
        version = published.json()["version"]
        async with reading(f"{server.url}/v1/stream?entity=order:{oid}&backlog=0", ADMIN) as feed:
            await client.post("/v1/events/payments", json=[payment(oid)])
            verdict = await feed.wait_for(hit_of("risk.unknown_order_payment"), timeout=10)

    assert (verdict["order_id"], verdict["shop_id"]) == (oid, "unknown")
    [hit] = verdict["hits"]
    assert (hit["rule_version"], hit["thresholds"]) == (version, {"grace_s": 1})
    assert hit["observed"]["waited_s"] >= 1


async def test_one_payment_id_in_two_events_is_a_duplicate(server: Server) -> None:
    placed = order("61.1.1.2", 0)
    oid = placed["order_id"]
    async with reading(f"{server.url}/v1/stream?entity=order:{oid}&backlog=0", ADMIN) as feed:
        async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
            await client.post("/v1/events/orders", json=[placed])
            await client.post("/v1/events/payments", json=[payment(oid)])
            await client.post("/v1/events/payments", json=[payment(oid)])
        verdict = await feed.wait_for(hit_of("risk.duplicate_payment"), timeout=10)

    [hit] = verdict["hits"]
    assert hit["observed"]["reasons"] == ["success twice"]
    assert verdict["key"] == f"{oid}|risk.duplicate_payment@1:{hit['entity']}"  # one per order
