"""The requests ``bench_api.py`` sends: order envelopes of a given size, and campaign CRUD.

Orders come from the simulator (``Traffic``), cycled with fresh ids and the current time,
and are encoded before the clock starts, so the client's JSON work is not timed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from pipeline.workload import Event

from warroom.sim.traffic import Traffic

from .load import Request

SHOP = {"name": "bench", "platform": "douyin", "time_zone": "Asia/Shanghai"}


def sample_orders(seed: int, n: int = 2000) -> list[Event]:
    """About ``n`` simulated orders (with IP bursts) to cycle through."""
    traffic = Traffic(seed, attack_every_s=1.0)
    orders: list[Event] = []
    at = datetime.now(UTC).timestamp() - 600
    while len(orders) < n:
        orders.extend(traffic.tick(at, 50).get("orders", []))
        at += 0.1
    return orders


def fresh(orders: list[Event], run: str) -> Iterator[Event]:
    """The sample orders over and over, each with a new event and order id, stamped now;
    each round with other users, devices and IPs (or every round would be one burst)."""
    now = datetime.now(UTC).isoformat()
    for k, order in enumerate(itertools.cycle(orders)):
        r = k // len(orders)
        ids = {"event_id": f"{run}-e{k}", "order_id": f"{run}-o{k}", "ts": now}
        yield {**order, **ids, **_round(order, r)} if r else {**order, **ids}


def _round(order: Event, r: int) -> Event:
    """The order's user, device and IP (second byte moved) for round ``r``."""
    a, b, c, d = str(order["ip"]).split(".")
    moved = {"user_id": f"{order['user_id']}-r{r}", "ip": f"{a}.{(int(b) + r) % 256}.{c}.{d}"}
    return moved | ({"device_id": f"{order['device_id']}-r{r}"} if order.get("device_id") else {})


def ingest_requests(orders: Iterator[Event], size: int, count: int) -> list[Request]:
    """``count`` POSTs of ``size`` orders each (a JSON array; a single object for 1)."""
    out: list[Request] = []
    for _ in range(count):
        batch = list(itertools.islice(orders, size))
        body = orjson.dumps(batch[0] if size == 1 else batch)
        out.append(("POST", "/v1/events/orders", body))
    return out


def campaign(shop: str, campaign_id: str) -> dict[str, Any]:
    return {
        "id": campaign_id,
        "shop_id": shop,
        "platform": "douyin",
        "objective": "orders",
        "daily_budget": "100",
        "bid": "1",
        "budget_cap": "500",
        "target_cpa": "10",
        "target_roi": "2",
    }


def crud_requests(shop: str, run: str, count: int) -> dict[str, list[Request]]:
    """Per step (in order): ``count`` creates, reads, list pages and partial updates (each
    campaign once, from the version a create gives: 1)."""
    ids = [f"{run}-c{k}" for k in range(count)]
    return {
        "POST /v1/campaigns": [
            ("POST", "/v1/campaigns", orjson.dumps(campaign(shop, i))) for i in ids
        ],
        "GET /v1/campaigns/{id}": [("GET", f"/v1/campaigns/{i}", None) for i in ids],
        "GET /v1/campaigns?shop_id (50 a page)": [
            ("GET", f"/v1/campaigns?shop_id={shop}&limit=50&offset={k % 4 * 50}", None)
            for k in range(count)
        ],
        "PATCH /v1/campaigns/{id}": [
            ("PATCH", f"/v1/campaigns/{i}", orjson.dumps({"version": 1, "daily_budget": "120"}))
            for i in ids
        ],
    }
