"""The Faust agents with ``agent.test_context()``: no broker, the sends of their output
topics replaced by recorders, so what each agent writes can be read back."""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from unittest.mock import AsyncMock

import orjson
import pytest
from faust.types import TopicT

from warroom.agents import count_campaigns, watch_ip_bursts
from warroom.agents.count_campaigns import count_campaigns as count_campaigns_agent
from warroom.agents.ingest_orders import ingest_orders
from warroom.agents.watch_ip_bursts import watch_ip_bursts as watch_ip_bursts_agent
from warroom.schemas.internal import Activity
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.codecs import encode_envelope
from warroom.streams.partitioning import partition_for
from warroom.streams.windows import MinuteCounters

PARTITIONS = get_settings().partitions
T = TypeVar("T")

#: The timer's own body: calling ``publish_campaign_live()`` itself would run the timer
#: loop (``app.timer`` wraps the function in an endless ``itertimer``).
publish_campaign_live = inspect.unwrap(count_campaigns.publish_campaign_live)
publish_creative_live = inspect.unwrap(count_campaigns.publish_creative_live)


class Sent:
    """Every ``send`` of one topic, decoded: (partition, records of the envelope)."""

    def __init__(self, topic: TopicT, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mock = AsyncMock()
        monkeypatch.setattr(topic, "send", self.mock)

    @property
    def messages(self) -> list[tuple[int, list[dict[str, Any]]]]:
        return [
            (c.kwargs["partition"], orjson.loads(c.kwargs["value"]))
            for c in self.mock.await_args_list
        ]

    @property
    def records(self) -> list[dict[str, Any]]:
        return [r for _, envelope in self.messages for r in envelope]

    async def wait_for(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = 3
    ) -> list[dict[str, Any]]:
        """The records sent so far that ``match``, once there is one (or ``timeout`` passed)."""
        return await eventually(lambda: [r for r in self.records if match(r)], timeout)


async def eventually(check: Callable[[], T], timeout: float) -> T:
    """The first truthy result of ``check``, polling for up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.01)


@pytest.fixture
def deadletters(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.deadletter, monkeypatch)


@pytest.fixture
def by_ip(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.orders_by_ip, monkeypatch)


@pytest.fixture
def by_order(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.payments_by_order, monkeypatch)


@pytest.fixture
def by_risk_keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, Sent]:
    """The order topics keyed by device, user, SKU and shop (tested in test_watch_order_risks)."""
    keyed = {
        "device_id": topics.orders_by_device,
        "user_id": topics.orders_by_user,
        "sku": topics.orders_by_sku,
        "shop_id": topics.orders_by_shop,
    }
    return {field: Sent(topic, monkeypatch) for field, topic in keyed.items()}


@pytest.fixture
def activity(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.campaign_activity, monkeypatch)


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.risk_hits, monkeypatch)


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.campaign_live, monkeypatch)


@pytest.fixture
def creative_live(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.creative_live, monkeypatch)


def uid() -> str:
    return uuid.uuid4().hex[:8]


def order(ip: str, n: int = 0, seconds_ago: float = 0, **over: Any) -> dict[str, Any]:
    oid = f"o-{uid()}-{n}"
    ts = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return {
        "event_id": f"e-{oid}",
        "ts": ts.isoformat(),
        "order_id": oid,
        "user_id": f"u{n}",
        "ip": ip,
        "shop_id": "shop-1",
        "sku": "SKU-101",
        "quantity": 2,
        "unit_price": "29.95",
        "amount": "59.90",
        "campaign_id": f"cmp-{uid()}",
        "channel": "live",
        **over,
    }


# -- ingest_orders -------------------------------------------------------------------------


async def test_bad_messages_become_dead_letters_with_their_source_and_work_goes_on(
    deadletters: Sent, by_ip: Sent, activity: Sent, by_order: Sent
) -> None:
    ip = "203.0.113.101"
    good = [order(ip, n) for n in range(3)]
    before = stats.snapshot()
    async with ingest_orders.test_context() as agent:
        await agent.put(orjson.dumps(good[:1]), partition=2)  # offset 0
        await agent.put(b"{not json", partition=1)  # offset 1
        await agent.put(
            orjson.dumps([good[1], {**order(ip), "ip": "999.1.1.1"}, good[2]]), partition=3
        )
        await agent.put(b"", partition=0)  # offset 3
        await deadletters.wait_for(lambda d: d["offset"] == 3)
        routed = await by_ip.wait_for(lambda o: o["order_id"] == good[2]["order_id"])

    source = topics.orders.get_topic_name()
    letters = deadletters.records
    by_offset = {d["offset"]: d for d in letters}
    assert set(by_offset) == {1, 2, 3}
    assert all(d["source_topic"] == source for d in letters)
    not_json, bad_ip, empty = by_offset[1], by_offset[2], by_offset[3]
    assert (not_json["partition"], not_json["index"], not_json["raw"]) == (1, None, "{not json")
    assert not_json["reason"].startswith("not JSON")
    assert (bad_ip["partition"], bad_ip["index"], bad_ip["field"]) == (3, 1, "ip")
    assert bad_ip["reason"] == "Value error, not an IPv4 or IPv6 address"
    assert orjson.loads(bad_ip["raw"])["ip"] == "999.1.1.1"
    assert (empty["partition"], empty["reason"]) == (0, "empty message")
    # the good orders on either side of the bad ones went through
    assert routed and sorted(o["order_id"] for o in by_ip.records) == sorted(
        o["order_id"] for o in good
    )
    after = stats.snapshot()
    assert after.get("deadletter.orders.ip", 0) == before.get("deadletter.orders.ip", 0) + 1
    assert (
        after.get("deadletter.orders.not JSON", 0)
        == before.get("deadletter.orders.not JSON", 0) + 1
    )


async def test_good_orders_are_routed_by_ip_campaign_and_order_on_explicit_partitions(
    deadletters: Sent, by_ip: Sent, activity: Sent, by_order: Sent, by_risk_keys: dict[str, Sent]
) -> None:
    ips = ["203.0.113.102", "198.51.100.102", "192.0.2.102", "2001:db8::102"]
    orders = [order(ip, n) for n, ip in enumerate(ips * 2)]
    no_campaign = order(ips[0], 99)
    del no_campaign["campaign_id"]
    async with ingest_orders.test_context() as agent:
        await agent.put(orjson.dumps([*orders[:4], no_campaign]))
        await agent.put(orjson.dumps(orders[4:]))
        last = orders[-1]["order_id"]
        await by_ip.wait_for(lambda o: o["order_id"] == last)
        await activity.wait_for(lambda a: a["campaign_id"] == orders[-1]["campaign_id"])
        await by_order.wait_for(lambda i: i["order"]["order_id"] == last)

    assert deadletters.records == []
    routed = sorted(o["order_id"] for o in by_ip.records)
    assert routed == sorted(o["order_id"] for o in [*orders, no_campaign])
    for partition, envelope in by_ip.messages:  # explicit partitions, one envelope each
        assert {partition_for(o["ip"], PARTITIONS) for o in envelope} == {partition}
    seen = {i["order"]["order_id"]: i["order"] for i in by_order.records}
    assert set(seen) == {o["order_id"] for o in [*orders, no_campaign]}
    for partition, envelope in by_order.messages:  # co-partitioned with the payments
        assert {partition_for(i["order"]["order_id"], PARTITIONS) for i in envelope} == {partition}
    assert seen[last]["amount"] == "59.90" and seen[last]["shop_id"] == "shop-1"
    for partition, envelope in activity.messages:
        assert {partition_for(a["campaign_id"], PARTITIONS) for a in envelope} == {partition}
    acts = {a["campaign_id"]: a for a in activity.records}
    assert set(acts) == {o["campaign_id"] for o in orders}  # none for the unattributed order
    first = acts[orders[0]["campaign_id"]]
    assert (first["kind"], first["gmv"], first["shop_id"]) == ("order", 599_000, "shop-1")


# -- watch_ip_bursts -----------------------------------------------------------------------


def fresh_ip() -> str:
    """An IP no other test uses (the agent's per-IP log lives as long as the process)."""
    return ipaddress.IPv6Address((0x20010DB8 << 96) | uuid.uuid4().int >> 32).compressed


def for_ip(ip: str) -> Callable[[dict[str, Any]], bool]:
    return lambda v: f"ip:{ip}" in v["entities"]


async def test_six_orders_from_one_ip_in_a_minute_give_an_explained_verdict(
    verdicts: Sent,
) -> None:
    ip = "203.0.113.201"
    orders = [order(ip, n, seconds_ago=30 - n) for n in range(6)]
    async with watch_ip_bursts_agent.test_context() as agent:
        await agent.put(orjson.dumps(orders[:3]))
        await agent.put(orjson.dumps(orders[3:]))
        found = await verdicts.wait_for(for_ip(ip))

    [verdict] = found
    assert verdict["order_id"] == orders[5]["order_id"]  # the sixth crosses the line
    assert (verdict["outcome"], verdict["mode"]) == ("hold", "enforce")
    [hit] = verdict["hits"]
    assert (hit["rule_id"], hit["rule_version"], hit["entity"]) == (
        "risk.same_ip_burst",
        1,
        f"ip:{ip}",
    )
    assert hit["observed"]["orders"] == 6
    assert hit["thresholds"] == {"max_orders": 5, "window_s": 60}
    assert sorted(hit["evidence"]) == sorted(o["order_id"] for o in orders)
    assert f"6 orders from IP {ip}" in hit["explanation"]
    [(partition, _)] = [(p, e) for p, e in verdicts.messages if verdict in e]
    assert partition == partition_for(verdict["order_id"], PARTITIONS)  # to its assembler


@pytest.mark.parametrize(
    ("case", "spacing_s", "deliveries"),
    [
        ("five orders in a minute", [0, 5, 10, 15, 20], 1),
        ("six orders spread over 75 s", [0, 15, 30, 45, 60, 75], 1),
        ("five orders delivered twice", [0, 5, 10, 15, 20], 2),
    ],
)
async def test_no_burst_no_verdict(
    verdicts: Sent, case: str, spacing_s: list[int], deliveries: int
) -> None:
    ip, marker_ip = fresh_ip(), fresh_ip()
    orders = [order(ip, n, seconds_ago=100 - s) for n, s in enumerate(spacing_s)]
    async with watch_ip_bursts_agent.test_context() as agent:
        for _ in range(deliveries):
            for o in orders:
                await agent.put(orjson.dumps([o]))
        # six orders of another IP after them: once its verdict is out, ours were judged
        await agent.put(orjson.dumps([order(marker_ip, n) for n in range(6)]))
        assert await verdicts.wait_for(for_ip(marker_ip)), case

    assert [v for v in verdicts.records if for_ip(ip)(v)] == [], case


async def burst_one_batch_at_a_time(
    ip: str, verdicts: Sent, monkeypatch: pytest.MonkeyPatch, before: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Verdicts on ``ip`` after ``before`` and then six orders of ``ip`` within 30 s, each
    in its own batch, the agent forgetting old orders after every batch (as it does every
    flush interval, normally a second)."""
    monkeypatch.setattr(watch_ip_bursts, "ip_log", watch_ip_bursts.SlidingLog(60, 300))
    fast = get_settings().model_copy(update={"flush_interval_s": 0.001})
    monkeypatch.setattr(watch_ip_bursts, "_s", fast)
    async with watch_ip_bursts_agent.test_context() as agent:
        for o in before:
            await agent.put(orjson.dumps([o]))
            await asyncio.sleep(0.05)
        for n in range(6):
            await agent.put(orjson.dumps([order(ip, n, seconds_ago=30 - n)]))
            await asyncio.sleep(0.05)
        return await verdicts.wait_for(for_ip(ip), timeout=1)


async def test_a_burst_spread_over_many_batches_is_still_a_burst(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    [verdict] = await burst_one_batch_at_a_time(fresh_ip(), verdicts, monkeypatch, before=[])

    assert verdict["hits"][0]["observed"]["orders"] == 6


async def test_one_order_from_a_fast_clock_does_not_hide_other_bursts(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    skewed = order(fresh_ip(), seconds_ago=-2 * 3600)

    found = await burst_one_batch_at_a_time(fresh_ip(), verdicts, monkeypatch, before=[skewed])

    assert len(found) == 1


# -- count_campaigns -----------------------------------------------------------------------


def act(
    campaign: str, kind: str, ts: float, spend: int = 0, gmv: int = 0, creative: str = "cr-1"
) -> Activity:
    return Activity(
        campaign_id=campaign,
        creative_id=creative,
        shop_id="shop-9",
        ts=ts,
        kind=kind,  # type: ignore[arg-type]
        spend=spend,
        gmv=gmv,
    )


async def counted(campaign: str, timeout: float = 3) -> bool:
    """Wait until the counters hold news of ``campaign`` (the agent has read it)."""
    return await eventually(lambda: campaign in count_campaigns.counters.dirty, timeout)


async def test_campaign_activity_is_published_as_a_per_minute_snapshot(live: Sent) -> None:
    campaign = f"cmp-{uid()}"
    minute = int(time.time() // 60) - 2
    t = minute * 60.0
    first = [act(campaign, "impression", t + 1, spend=500) for _ in range(40)]
    first += [act(campaign, "play", t + 2), act(campaign, "click", t + 3)]
    second = [act(campaign, "click", t + 61), act(campaign, "order", t + 62, gmv=599_000)]
    async with count_campaigns_agent.test_context() as agent:
        await agent.put(encode_envelope(first))
        await agent.put(encode_envelope(second))
        assert await counted(campaign)
        await asyncio.sleep(0.1)  # let a batch split across two takes finish
        await publish_campaign_live()

    [(partition, envelope)] = [
        (p, e) for p, e in live.messages if any(s["campaign_id"] == campaign for s in e)
    ]
    [snap] = [s for s in envelope if s["campaign_id"] == campaign]
    assert partition == partition_for(campaign, PARTITIONS)
    assert snap["shop_id"] == "shop-9" and snap["updated_at"] == pytest.approx(time.time(), abs=5)
    assert snap["minutes"] == [
        {
            "minute": minute,
            "impressions": 40,
            "plays": 1,
            "completions": 0,
            "clicks": 1,
            "spend": 20_000,
            "orders": 0,
            "gmv": 0,
        },
        {
            "minute": minute + 1,
            "impressions": 0,
            "plays": 0,
            "completions": 0,
            "clicks": 1,
            "spend": 0,
            "orders": 1,
            "gmv": 599_000,
        },
    ]
    # and the shop-local day so far (the shop is unknown here: Asia/Shanghai)
    today = snap["today"]
    assert snap["time_zone"] == "Asia/Shanghai"
    assert (today["impressions"], today["clicks"], today["orders"]) == (40, 2, 1)
    assert (today["spend"], today["gmv"]) == (20_000, 599_000)


async def test_only_campaigns_with_news_are_published_again(live: Sent) -> None:
    quiet, busy = f"cmp-{uid()}", f"cmp-{uid()}"
    now = time.time()
    async with count_campaigns_agent.test_context() as agent:
        await agent.put(encode_envelope([act(quiet, "impression", now)]))
        assert await counted(quiet)
        await publish_campaign_live()
        await agent.put(encode_envelope([act(busy, "click", now), act(busy, "click", now)]))
        assert await counted(busy)
        await publish_campaign_live()

    published = [[s["campaign_id"] for s in e] for _, e in live.messages]
    assert sum(quiet in ids for ids in published) == 1
    [busy_snap] = [s for _, e in live.messages for s in e if s["campaign_id"] == busy]
    assert [m["clicks"] for m in busy_snap["minutes"]] == [2]


async def test_one_event_from_a_fast_clock_does_not_freeze_every_campaign(
    live: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = MinuteCounters()
    monkeypatch.setattr(count_campaigns, "counters", fresh)
    monkeypatch.setattr(count_campaigns.state, "counters", fresh)
    skewed, honest = f"cmp-{uid()}", f"cmp-{uid()}"
    now = time.time()
    async with count_campaigns_agent.test_context() as agent:
        await agent.put(encode_envelope([act(skewed, "impression", now + 2 * 3600)]))
        assert await counted(skewed)
        await agent.put(encode_envelope([act(honest, "click", now) for _ in range(3)]))
        await counted(honest, timeout=1)
        await publish_campaign_live()

    snaps = {s["campaign_id"]: s for s in live.records}
    assert honest in snaps
    assert [m["clicks"] for m in snaps[honest]["minutes"]] == [3]


async def test_creatives_are_published_apart_on_their_campaigns_partition(
    creative_live: Sent,
) -> None:
    campaign = f"cmp-{uid()}"
    a, b = f"crv-{uid()}", f"crv-{uid()}"
    now = time.time()
    acts = [act(campaign, "impression", now, creative=a) for _ in range(3)]
    acts += [act(campaign, "click", now, spend=700, creative=b)]
    async with count_campaigns_agent.test_context() as agent:
        await agent.put(encode_envelope(acts))
        assert await eventually(lambda: b in count_campaigns.creatives.dirty, 3)
        await publish_creative_live()

    snaps = {s["creative_id"]: (p, s) for p, e in creative_live.messages for s in e}
    (pa, snap_a), (pb, snap_b) = snaps[a], snaps[b]
    assert pa == pb == partition_for(campaign, PARTITIONS)
    assert (snap_a["campaign_id"], snap_a["shop_id"]) == (campaign, "shop-9")
    assert [m["impressions"] for m in snap_a["minutes"]] == [3]
    assert [(m["clicks"], m["spend"]) for m in snap_b["minutes"]] == [(1, 700)]
