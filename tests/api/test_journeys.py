"""``/v1/audiences/retargeting`` (JSON and CSV), ``/v1/funnels`` and ``/v1/fan-loop``
in-process against the real broker: what the journey workers publish, summed over
partitions, filtered and shop-scoped; messages and follows are ingested over HTTP."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaProducer
from pydantic import BaseModel

from tests.api.models_topic import eventually, make_client, make_producer, uid
from tests.auth import bearer, make_key
from warroom.schemas.journeys import AudienceMember, FunnelCount, LoopCount
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from make_client(broker, tmp_path_factory)


@pytest.fixture(scope="module")
def producer(broker: str) -> Iterator[KafkaProducer]:
    yield from make_producer(broker)


def send(producer: KafkaProducer, *records: BaseModel) -> None:
    topic = topics.journeys_live.get_topic_name()
    producer.send(topic, encode_envelope(records), partition=0).get(10)


def member(viewer: str, shop: str, clicked: float, active: bool = True) -> AudienceMember:
    return AudienceMember(
        viewer_id=viewer, shop_id=shop, product_id=f"{shop}-p", campaign_id="c1",
        creative_id="cr1", clicked_at=clicked, active=active, updated_at=time.time(),
    )  # fmt: skip


def funnel(shop: str, creative: str, segment: str, partition: int, **steps: int) -> FunnelCount:
    return FunnelCount(
        creative_id=creative, campaign_id="c1", shop_id=shop, segment=segment,
        partition=partition, updated_at=time.time(), **steps,
    )  # fmt: skip


@pytest.fixture(scope="module")
def world(client: TestClient, producer: KafkaProducer) -> dict[str, str]:
    shop, other = f"js-{uid()}", f"jo-{uid()}"
    for s in (shop, other):
        assert client.post("/v1/shops", json={"id": s, "name": s, "platform": "douyin"}).is_success
    send(
        producer,
        member("v1", shop, 100.0),
        member("v2", shop, 200.0),
        member("v3", shop, 300.0),
        member("v3", shop, 300.0, active=False),  # ordered since: out
        member("v9", other, 50.0),
        funnel(shop, "cr1", "f/24-30", 0, view=600, click=30, message=3, order=9),
        funnel(shop, "cr1", "f/24-30", 1, view=400, click=20, message=2, order=6),
        funnel(shop, "cr1", "m/31-40", 0, view=100, click=50, message=0, order=2),
        funnel(shop, "cr1", "m/31-40", 0, view=200, click=60, message=1, order=3),  # newer
        LoopCount(shop_id=shop, creator_id="k1", partition=0, t0_buyers=30, followed=12,
                  repurchased_48h=6, repurchased_30d=9, updated_at=time.time()),
        LoopCount(shop_id=shop, creator_id="k1", partition=1, t0_buyers=10, followed=8,
                  repurchased_48h=2, repurchased_30d=3, updated_at=time.time()),
    )  # fmt: skip
    # everything went in one envelope: once the loop is there, so is the rest
    eventually(lambda: client.get("/v1/fan-loop", params={"shop_id": shop}).json()["count"])
    return {"shop": shop, "other": other}


def test_retargeting_audience_json_and_csv(client: TestClient, world: dict[str, str]) -> None:
    shop = world["shop"]
    body = client.get("/v1/audiences/retargeting", params={"shop_id": shop}).json()
    assert [m["viewer_id"] for m in body["data"]] == ["v2", "v1"]  # latest click first
    resp = client.get("/v1/audiences/retargeting", params={"shop_id": shop, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert resp.headers["content-type"].startswith("text/csv")
    assert [(r["viewer_id"], r["product_id"]) for r in rows] == [
        ("v2", f"{shop}-p"),
        ("v1", f"{shop}-p"),
    ]
    assert resp.headers["x-total-count"] == "2"
    cut = client.get(
        "/v1/audiences/retargeting", params={"shop_id": shop, "format": "csv", "limit": 1}
    )
    assert len(list(csv.DictReader(io.StringIO(cut.text)))) == 1  # a cut-off export says so:
    assert cut.headers["x-total-count"] == "2"


def test_funnel_summed_over_partitions_with_the_drop_step(
    client: TestClient, world: dict[str, str]
) -> None:
    shop = world["shop"]
    rows = client.get("/v1/funnels", params={"shop_id": shop}).json()["data"]
    women = next(r for r in rows if r["segment"] == "f/24-30")
    assert (women["view"], women["click"], women["message"], women["order"]) == (1000, 50, 5, 15)
    assert (women["drop_step"], women["drop_rate"]) == ("view→click", 0.05)
    men = next(r for r in rows if r["segment"] == "m/31-40")
    assert (men["view"], men["click"], men["order"]) == (200, 60, 3)  # the newer count
    assert (men["drop_step"], men["drop_rate"]) == ("click→order", 0.05)
    [whole] = client.get("/v1/funnels", params={"shop_id": shop, "by": "creative"}).json()["data"]
    assert (whole["segment"], whole["view"], whole["order"]) == (None, 1200, 18)


def test_fan_loop_rates(client: TestClient, world: dict[str, str]) -> None:
    [row] = client.get("/v1/fan-loop", params={"shop_id": world["shop"]}).json()["data"]

    assert (row["creator_id"], row["t0_buyers"], row["followed"]) == ("k1", 40, 20)
    assert (row["follow_rate"], row["repurchase_rate_48h"], row["t30_rate"]) == (0.5, 0.2, 0.3)


def test_shop_scope_and_roles(client: TestClient, world: dict[str, str]) -> None:
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    key = bearer(make_key(store, "viewer", [world["shop"]]))
    for path in ("/v1/audiences/retargeting", "/v1/funnels", "/v1/fan-loop"):
        mine = client.get(path, headers=key).json()
        assert {r["shop_id"] for r in mine["data"]} <= {world["shop"]}
        assert client.get(path, headers=key, params={"shop_id": world["other"]}).status_code == 403
    bad = client.get("/v1/funnels", params={"by": "city"})
    assert bad.status_code == 422 and "by" in bad.text


def test_messages_and_follows_are_ingested(client: TestClient) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    message = {"event_id": f"m-{uid()}", "ts": now, "shop_id": "s1", "viewer_id": "v1"}
    follow = {"event_id": f"f-{uid()}", "ts": now, "shop_id": "s1", "user_id": "u1"}

    sent = client.post("/v1/events/messages", json=[message, {**message, "viewer_id": None}])
    followed = client.post("/v1/events/follows", json=[follow])

    assert sent.status_code == 202
    assert [(r["index"], r["field"]) for r in sent.json()["rejected"]] == [(1, "viewer_id")]
    assert followed.json() == {"accepted": 1, "rejected": []}
