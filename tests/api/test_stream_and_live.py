"""The API's read side in-process against the real broker: the feed of verdicts and
decisions, live campaign and creative counters, health and stats."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kafka import KafkaProducer

from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.api.main import create_api
from warroom.rules.budget.metrics import DayTotals, local_day
from warroom.schemas.internal import CampaignLive, CampaignMinute, CreativeLive
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope
from warroom.streams.feed import FeedHub, FeedItem, Filter
from warroom.streams.partitioning import partition_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(broker: str, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = get_settings().model_copy(
        update={
            "kafka_bootstrap": broker,
            "data_dir": tmp_path_factory.mktemp("store"),
            "admin_key": ADMIN_TOKEN,
        }
    )
    return create_api(settings, broker)


@pytest.fixture(scope="module")
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api, headers=ADMIN) as c:
        yield c


@pytest.fixture(scope="module")
def producer(broker: str) -> Iterator[KafkaProducer]:
    p = KafkaProducer(bootstrap_servers=broker)
    yield p
    p.close()


def uid() -> str:
    return uuid.uuid4().hex[:10]


def produce(producer: KafkaProducer, topic: str, value: bytes, partition: int = 0) -> None:
    producer.send(topic, value, partition=partition).get(10)


def eventually(check: Callable[[], Any], timeout: float = 10) -> Any:
    """The first truthy result of ``check``, polling for up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


# -- the feed ------------------------------------------------------------------------------


def verdict_record(order_id: str, ip: str) -> dict[str, Any]:
    return {
        "kind": "verdict",
        "key": f"{order_id}|risk.same_ip_burst@1",
        "order_id": order_id,
        "shop_id": "shop-1",
        "outcome": "hold",
        "score": 60.0,
        "mode": "enforce",
        "hits": [],
        "entities": [f"order:{order_id}", "shop:shop-1", f"ip:{ip}"],
    }


def test_stream_refuses_an_unknown_kind(client: TestClient) -> None:
    resp = client.get("/v1/stream", params={"kind": "verdict,bogus"})

    assert resp.status_code == 422
    [error] = resp.json()["detail"]
    assert error["loc"] == ["query", "kind"] and error["msg"] == "unknown kind: bogus"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"backlog": "501"}, "backlog"),
        ({"backlog": "-1"}, "backlog"),
        ({"entity": "x" * 201}, "entity"),
    ],
)
def test_stream_refuses_out_of_range_parameters(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    resp = client.get("/v1/stream", params=params)

    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"] == ["query", field]


def feed_items(
    client: TestClient, feed: FeedHub, wants: Filter, match: Callable[[FeedItem], bool]
) -> list[dict[str, Any]]:
    """Records the hub hands a new ``wants`` subscriber (backlog included) that ``match``,
    read on the API's own event loop."""

    async def read() -> list[dict[str, Any]]:
        with feed.subscribe(wants, backlog=feed.recent.maxlen or 0) as sub:
            items = []
            while not sub.queue.empty():
                items.append(sub.queue.get_nowait())
        return [i.record for i in items if match(i)]

    assert client.portal is not None, "use the client as a context manager"
    return client.portal.call(read)


def test_verdicts_and_decisions_from_kafka_reach_the_feed_and_filter_by_entity(
    client: TestClient, api: FastAPI, producer: KafkaProducer
) -> None:
    feed: FeedHub = api.state.runtime.feed
    run = uid()
    ip, other_ip = "ip:203.0.113.45", "ip:198.51.100.7"
    mine = verdict_record(f"o-{run}-1", ip.removeprefix("ip:"))
    other = verdict_record(f"o-{run}-2", other_ip.removeprefix("ip:"))
    decision = {"kind": "decision", "action": "pause", "key": f"d-{run}", "entities": [ip]}
    before = client.get("/v1/stats").json()["feed_items"]

    produce(producer, topics.verdicts.get_topic_name(), orjson.dumps([mine, other]))
    produce(producer, topics.decisions.get_topic_name(), orjson.dumps([decision]), partition=1)

    def ours(item: FeedItem) -> bool:
        return run in item.record.get("key", "")

    arrived = eventually(lambda: len(feed_items(client, feed, Filter(), ours)) == 3)
    assert arrived, feed_items(client, feed, Filter(), ours)
    by_entity = feed_items(client, feed, Filter(entity=ip), ours)
    assert sorted(r["key"] for r in by_entity) == sorted([mine["key"], decision["key"]])
    verdicts_only = feed_items(client, feed, Filter(frozenset({"verdict"}), ip), ours)
    assert verdicts_only == [mine]  # the whole record, as it was written
    assert [r["key"] for r in feed_items(client, feed, Filter(entity=other_ip), ours)] == [
        other["key"]
    ]
    assert client.get("/v1/stats").json()["feed_items"] >= before + 3


def test_a_redelivered_verdict_is_shown_once_and_counted_as_a_duplicate(
    client: TestClient, api: FastAPI, producer: KafkaProducer
) -> None:
    feed: FeedHub = api.state.runtime.feed
    run = uid()
    verdict = verdict_record(f"o-{run}", "192.0.2.9")
    marker = verdict_record(f"o-{run}-marker", "192.0.2.9")
    before = client.get("/v1/stats").json()
    topic = topics.verdicts.get_topic_name()

    produce(producer, topic, orjson.dumps([verdict]))
    produce(producer, topic, orjson.dumps([verdict]))  # at-least-once: the same record again
    produce(producer, topic, orjson.dumps([marker]))  # behind both on the same partition

    def ours(item: FeedItem) -> bool:
        return run in item.record.get("key", "")

    assert eventually(
        lambda: any(r["key"] == marker["key"] for r in feed_items(client, feed, Filter(), ours))
    )
    shown = feed_items(client, feed, Filter(entity="ip:192.0.2.9"), ours)
    assert [r["key"] for r in shown] == [verdict["key"], marker["key"]]
    after = client.get("/v1/stats").json()
    assert after["feed_items"] - before["feed_items"] >= 2
    assert after["feed_duplicates_suppressed"] >= before["feed_duplicates_suppressed"] + 1


# -- live campaign counters ----------------------------------------------------------------


def snapshot(campaign: str, updated_at: float, *minutes: CampaignMinute) -> CampaignLive:
    return CampaignLive(
        campaign_id=campaign, shop_id="shop-7", minutes=list(minutes), updated_at=updated_at
    )


def send_snapshots(producer: KafkaProducer, *snaps: CampaignLive) -> None:
    """Each snapshot in its own message, on the partition its campaign hashes to."""
    topic = topics.campaign_live.get_topic_name()
    partitions = len(producer.partitions_for(topic))
    for snap in snaps:
        produce(
            producer, topic, encode_envelope([snap]), partition_for(snap.campaign_id, partitions)
        )


def live(client: TestClient, campaign: str, updated_at: float | None = None) -> Any:
    """The campaign's live answer once the API holds a snapshot (of ``updated_at``)."""

    def get() -> Any:
        resp = client.get(f"/v1/campaigns/{campaign}/live")
        if resp.status_code != 200:
            return None
        body = resp.json()
        return body if updated_at is None or body["updated_at"] == updated_at else None

    body = eventually(get)
    assert body is not None, f"no live data for {campaign}"
    return body


def test_today_is_the_shop_local_day_so_far(client: TestClient, producer: KafkaProducer) -> None:
    campaign = f"cmp-{uid()}"
    now = time.time()
    day = DayTotals.start(local_day(now, "Asia/Shanghai"))
    day = day.add(
        CampaignMinute(minute=int(now // 60), orders=3, spend=900_000, gmv=4_500_000),
        "Asia/Shanghai",
    )
    snap = snapshot(campaign, now).model_copy(
        update={"today": day.model_dump(mode="json"), "time_zone": "Asia/Shanghai"}
    )
    send_snapshots(producer, snap)

    body = live(client, campaign)

    today = body["windows"]["today"]
    assert body["time_zone"] == "Asia/Shanghai"
    assert (today["orders"], today["spend"], today["gmv"]) == (3, 90.0, 450.0)
    assert today["roi"] == pytest.approx(5.0) and today["cpa"] == pytest.approx(30.0)


def test_unknown_campaign_is_404(client: TestClient) -> None:
    resp = client.get(f"/v1/campaigns/cmp-{uid()}/live")

    assert resp.status_code == 404
    assert "no live data for campaign" in resp.json()["detail"]


def test_live_windows_total_the_recent_minutes_in_cny(
    client: TestClient, producer: KafkaProducer
) -> None:
    campaign = f"cmp-{uid()}"
    # minutes relative to now, so a minute boundary passing mid-test changes nothing:
    # one minute ago is inside 5m and 15m, ten minutes ago only inside 15m and more
    minute = int(time.time() // 60)
    recent = CampaignMinute(
        minute=minute - 1,
        impressions=200,
        plays=50,
        completions=20,
        clicks=4,
        spend=400_000,
        orders=2,
        gmv=1_200_000,
    )
    older = CampaignMinute(
        minute=minute - 10, impressions=100, clicks=1, spend=100_000, orders=0, gmv=0
    )
    send_snapshots(producer, snapshot(campaign, time.time(), older, recent))

    body = live(client, campaign)

    assert body["campaign_id"] == campaign and body["shop_id"] == "shop-7"
    windows = body["windows"]
    assert set(windows) == {"1m", "5m", "15m", "30m", "60m", "today"}
    assert windows["today"]["orders"] is None  # a snapshot without its day: unknown, not 0
    five = windows["5m"]
    assert five["completion_rate"] == pytest.approx(0.4)  # 20 of 50 plays to the end
    assert (five["impressions"], five["plays"], five["clicks"], five["orders"]) == (200, 50, 4, 2)
    assert five["spend"] == pytest.approx(40.0) and five["gmv"] == pytest.approx(120.0)
    assert five["ctr"] == pytest.approx(0.02) and five["roi"] == pytest.approx(3.0)
    assert five["cvr"] == pytest.approx(0.5) and five["cpa"] == pytest.approx(20.0)
    fifteen = windows["15m"]
    assert (fifteen["impressions"], fifteen["clicks"]) == (300, 5)
    assert fifteen["spend"] == pytest.approx(50.0) and fifteen["roi"] == pytest.approx(2.4)
    assert fifteen["ctr"] == pytest.approx(5 / 300, abs=1e-6)
    assert windows["60m"]["spend"] == pytest.approx(50.0)
    one = windows["1m"]  # nothing this minute: zeros, and no ratio rather than an error
    assert (one["impressions"], one["spend"]) == (0, 0)
    assert one["ctr"] is None and one["roi"] is None
    assert [(m["minute"], m["spend"], m["gmv"]) for m in body["minutes"]] == [
        (minute - 10, 10.0, 0.0),
        (minute - 1, 40.0, 120.0),
    ]


def test_a_newer_snapshot_replaces_an_older_one_but_not_the_reverse(
    client: TestClient, producer: KafkaProducer
) -> None:
    campaign = f"cmp-{uid()}"
    minute = int(time.time() // 60) - 1
    t0 = time.time()

    def snap(updated_at: float, impressions: int) -> CampaignLive:
        return snapshot(
            campaign, updated_at, CampaignMinute(minute=minute, impressions=impressions)
        )

    send_snapshots(producer, snap(t0, 10))
    assert live(client, campaign, t0)["windows"]["5m"]["impressions"] == 10

    send_snapshots(producer, snap(t0 + 2, 30))
    assert live(client, campaign, t0 + 2)["windows"]["5m"]["impressions"] == 30

    # an older snapshot arriving late, then a marker behind it on the same partition
    topic = topics.campaign_live.get_topic_name()
    partition = partition_for(campaign, len(producer.partitions_for(topic)))
    marker = snapshot(f"cmp-{uid()}", t0, CampaignMinute(minute=minute, impressions=1))
    produce(producer, topic, encode_envelope([snap(t0 + 1, 20)]), partition)
    produce(producer, topic, encode_envelope([marker]), partition)
    live(client, marker.campaign_id)

    body = live(client, campaign)
    assert body["updated_at"] == t0 + 2 and body["windows"]["5m"]["impressions"] == 30


def test_stats_count_the_campaigns_held_live(client: TestClient, producer: KafkaProducer) -> None:
    before = client.get("/v1/stats").json()["campaigns_live"]
    campaign = f"cmp-{uid()}"
    send_snapshots(producer, snapshot(campaign, time.time(), CampaignMinute(minute=1)))
    live(client, campaign)

    assert client.get("/v1/stats").json()["campaigns_live"] == before + 1


# -- live creative counters ----------------------------------------------------------------


def test_creative_live_windows_come_from_the_creative_live_topic(
    client: TestClient, producer: KafkaProducer
) -> None:
    creative, campaign = f"crv-{uid()}", f"cmp-{uid()}"
    minute = int(time.time() // 60) - 1
    counts = CampaignMinute(
        minute=minute, impressions=100, clicks=5, spend=200_000, orders=1, gmv=900_000
    )
    snap = CreativeLive(
        creative_id=creative,
        campaign_id=campaign,
        shop_id="shop-7",
        minutes=[counts],
        updated_at=time.time(),
    )
    topic = topics.creative_live.get_topic_name()
    partition = partition_for(campaign, len(producer.partitions_for(topic)))
    assert client.get(f"/v1/creatives/{creative}/live").status_code == 404

    produce(producer, topic, encode_envelope([snap]), partition)

    body = eventually(lambda: client.get(f"/v1/creatives/{creative}/live").json().get("windows"))
    assert body is not None, f"no live data for {creative}"
    resp = client.get(f"/v1/creatives/{creative}/live").json()
    assert (resp["creative_id"], resp["campaign_id"], resp["shop_id"]) == (
        creative,
        campaign,
        "shop-7",
    )
    five = resp["windows"]["5m"]
    assert (five["impressions"], five["clicks"], five["orders"]) == (100, 5, 1)
    assert five["spend"] == pytest.approx(20.0) and five["roi"] == pytest.approx(4.5)
    assert five["ctr"] == pytest.approx(0.05)
    assert [(m["minute"], m["gmv"]) for m in resp["minutes"]] == [(minute, 90.0)]
    # a creative is not a campaign: the campaign's live view does not hold it
    assert client.get(f"/v1/campaigns/{creative}/live").status_code == 404
    assert client.get("/v1/stats").json()["creatives_live"] >= 1


def test_unknown_creative_is_404(client: TestClient) -> None:
    resp = client.get(f"/v1/creatives/crv-{uid()}/live")

    assert resp.status_code == 404
    assert "no live data for creative" in resp.json()["detail"]


# -- health and stats ----------------------------------------------------------------------


def test_health_says_ok_and_names_the_broker(client: TestClient, broker: str) -> None:
    resp = client.get("/v1/health")

    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "broker": broker}


def test_stats_shape(client: TestClient) -> None:
    resp = client.get("/v1/stats")

    assert resp.status_code == 200
    stats = resp.json()
    assert {"counters", "feed_items", "campaigns_live"} <= set(stats)
    assert isinstance(stats["counters"], dict)
    assert all(isinstance(k, str) and isinstance(v, int) for k, v in stats["counters"].items())
    assert isinstance(stats["feed_items"], int) and stats["feed_items"] >= 0
    assert isinstance(stats["campaigns_live"], int) and stats["campaigns_live"] >= 0
