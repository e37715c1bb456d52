"""The flash-sale agent with ``agent.test_context()``: a SKU's countdown from its stock level
and orders, an alert, then one pause per campaign selling it before it runs out (and none
again for the same stock level); the store's product stock when no level came; and the
burst of orders at T-0, from many IPs, is not an IP burst."""

from __future__ import annotations

import inspect
import ipaddress
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec
import orjson
import pytest

from tests.agents.test_agents import Sent, fresh_ip, order, uid
from warroom.agents import count_stock
from warroom.agents.count_stock import count_stock as count_stock_agent
from warroom.agents.watch_ip_bursts import watch_ip_bursts
from warroom.schemas.control import EntityChanged
from warroom.schemas.flash import SkuFlow
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope
from warroom.streams.entities import entities

refresh_stock = inspect.unwrap(count_stock.refresh_stock)


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.stock_live, monkeypatch)


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.decisions, monkeypatch)


@pytest.fixture
def known() -> Iterator[Any]:
    """Announce entities as the control topic would; forgotten after the test."""
    added: list[tuple[str, str]] = []

    def add(kind: str, entity_id: str, **data: Any) -> None:
        entities.apply(EntityChanged(kind=kind, id=entity_id, data={"id": entity_id, **data}))
        added.append((kind, entity_id))

    yield add
    for kind, entity_id in added:
        entities.apply(EntityChanged(kind=kind, id=entity_id, data=None))


def now() -> float:
    return datetime.now(UTC).timestamp()


def flows(sku: str, stock: int, orders: int, campaign: str, ago: float = 4) -> list[bytes]:
    """A stock level, then ``orders`` orders of one unit ``ago`` seconds ago."""
    t = now()
    level = SkuFlow(kind="stock", id=f"l-{uid()}", sku=sku, shop_id="s1", ts=t - 600, units=stock)
    sold = [
        SkuFlow(
            kind="order",
            id=f"o-{uid()}",
            sku=sku,
            shop_id="s1",
            ts=t - ago,
            units=1,
            campaign_id=campaign,
        )
        for _ in range(orders)
    ]
    return [encode_envelope([level]), encode_envelope(sold)]


async def test_countdown_alert_then_one_pause_per_campaign_before_it_sells_out(
    live: Sent, decisions: Sent, known: Any
) -> None:
    sku, ads, other = f"SKU-{uid()}", f"c-{uid()}", f"c-{uid()}"
    known("campaign", ads, shop_id="s1", status="active")
    known("campaign", other, shop_id="s1", status="active")
    known("creative", f"cr-{uid()}", campaign_id=other, product_id=sku)
    level, sold = flows(sku, stock=200, orders=160, campaign=ads, ago=120)  # no pace now
    async with count_stock_agent.test_context() as agent:
        await agent.put(level)
        await agent.put(sold)  # 40 left: alert, no stop yet
        [alert] = await live.wait_for(lambda s: s["sku"] == sku and s["sold"] == 160)
        assert decisions.records == []
        more = SkuFlow(
            kind="order",
            id=f"o-{uid()}",
            sku=sku,
            shop_id="s1",
            ts=now(),
            units=32,
            campaign_id=ads,
        )
        await agent.put(encode_envelope([more]))  # 8 left: stop
        await live.wait_for(lambda s: s["sku"] == sku and s["sold"] == 192)
        await agent.put(encode_envelope([msgspec.structs.replace(more, id=f"o-{uid()}", units=1)]))
        await live.wait_for(lambda s: s["sku"] == sku and s["sold"] == 193)

    assert (alert["level"], alert["remaining"], alert["available"]) == ("alert", 40, 200)
    assert sorted(alert["campaigns"]) == sorted([ads, other])
    pauses = decisions.records
    assert sorted(d["entity_id"] for d in pauses) == sorted([ads, other])  # once each
    assert {(d["action"], d["result"], d["rule_id"]) for d in pauses} == {
        ("pause", "proposed", "flash.stock_guard")
    }
    assert pauses[0]["observed"]["remaining"] == 8
    last = [s for s in live.records if s["sku"] == sku][-1]
    assert (last["level"], last["remaining"], sorted(last["stopped"])) == (
        "stop",
        7,
        sorted([ads, other]),
    )


async def test_without_a_stock_level_the_store_stock_counts_down(
    live: Sent, decisions: Sent, known: Any
) -> None:
    sku, ads = f"SKU-{uid()}", f"c-{uid()}"
    since = datetime.fromtimestamp(now() - 60, UTC).isoformat()
    known("product", sku, shop_id="s1", stock=12, updated_at=since)
    known("campaign", ads, shop_id="s1", status="paused")  # already stopped by a person
    _, sold = flows(sku, stock=0, orders=5, campaign=ads)
    async with count_stock_agent.test_context() as agent:
        await agent.put(sold)
        [snap] = await live.wait_for(lambda s: s["sku"] == sku)

    assert (snap["available"], snap["remaining"], snap["level"]) == (12, 7, "stop")
    assert decisions.records == []  # its one campaign is paused already


async def test_pace_decays_once_orders_stop(live: Sent, decisions: Sent, known: Any) -> None:
    sku = f"SKU-{uid()}"
    level, sold = flows(sku, stock=10_000, orders=30, campaign=f"c-{uid()}")
    async with count_stock_agent.test_context() as agent:
        await agent.put(level)
        await agent.put(sold)
        [first] = await live.wait_for(lambda s: s["sku"] == sku)
        held = count_stock.stock.skus[sku]
        held.orders = {k: (ts - 3600, u) for k, (ts, u) in held.orders.items()}
        await refresh_stock()

    latest = [s for s in live.records if s["sku"] == sku][-1]
    assert first["pace_per_s"] == pytest.approx(1.0)  # 30 units in the 30 s window
    assert (latest["pace_per_s"], latest["seconds_left"], latest["level"]) == (0.0, None, "ok")


# -- the T-0 burst is not an IP burst ------------------------------------------------------


async def test_flash_sale_burst_from_many_ips_is_not_an_ip_burst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At T-0, 500 buyers order within a second, each from their own IP: the IP-burst rule
    counts orders per IP, so the sale gives no verdict; a bot placing 6 of those orders
    from one IP is still caught, inside the same burst."""
    verdicts = Sent(topics.risk_hits, monkeypatch)
    base = int(ipaddress.IPv4Address("100.64.0.0")) + int(uid(), 16) % 1_000_000 * 1000
    buyers = [
        order(str(ipaddress.IPv4Address(base + n)), n, seconds_ago=n / 500) for n in range(500)
    ]
    bot = fresh_ip()
    bots = [order(bot, n, seconds_ago=n / 10) for n in range(6)]
    async with watch_ip_bursts.test_context() as agent:
        await agent.put(orjson.dumps(buyers[:250] + bots + buyers[250:]))
        await verdicts.wait_for(lambda v: f"ip:{bot}" in v["entities"])

    flagged = {e for v in verdicts.records for e in v["entities"] if e.startswith("ip:")}
    assert flagged == {f"ip:{bot}"}
