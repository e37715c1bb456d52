"""``/v1/match`` and the creator trust score, in-process against the real broker: the
champion's weights and fan bases arrive on the models topic as a learner publishes them;
products and creators come from the store."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaProducer

from tests.api.models_topic import eventually, make_client, make_producer, publish, uid
from tests.auth import bearer, make_key
from tests.unit.models.world import stream
from warroom.models.match import MatchModel
from warroom.schemas.internal import CampaignLive, CampaignMinute
from warroom.schemas.models import CreatorCounters, FanBase, MatchScore, MatchSnapshot
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope
from warroom.streams.partitioning import partition_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from make_client(broker, tmp_path_factory)


@pytest.fixture(scope="module")
def producer(broker: str) -> Iterator[KafkaProducer]:
    yield from make_producer(broker)


@pytest.fixture(scope="module")
def world(client: TestClient, producer: KafkaProducer) -> dict[str, str]:
    """A shop selling a beauty product, two creators whose fans differ, and the weights of
    a model learned on a market where women buy beauty products."""
    ids = {k: f"{k}-{uid()}" for k in ("shop", "sku", "women", "men", "declared", "plain")}
    assert (
        client.post(
            "/v1/shops",
            json={
                "id": ids["shop"],
                "name": "s",
                "platform": "douyin",
                "time_zone": "Asia/Shanghai",
            },
        ).status_code
        == 201
    )
    product = {
        "id": ids["sku"],
        "shop_id": ids["shop"],
        "title": "lipstick",
        "category": "beauty",
        "list_price": "129",
        "cost_price": "40",
        "stock": 5,
    }
    assert client.post("/v1/products", json=product).status_code == 201
    profile = {
        "gender": {"f": 0.9, "m": 0.1},
        "age_band": {"24-30": 1.0},
        "spending_power": {"3": 1.0},
        "category": {"beauty": 1.0},
    }
    for key, body in (("declared", {"fan_profile": profile, "home_city": "杭州"}), ("plain", {})):
        creator = {"id": ids[key], "handle": key, "platform": "douyin", "fan_count": 10, **body}
        assert client.post("/v1/creators", json=creator).status_code == 201
    model = MatchModel()
    for x, y in stream(3, 20_000):
        model.learn_one(x, y)
    fans = {
        "*": FanBase(
            clickers=20_000,
            gender={"f": 0.5, "m": 0.5},
            age_band={b: 0.25 for b in ("18-23", "24-30", "31-40", "41-50")},
            spending_power={str(n): 0.2 for n in range(1, 6)},
            city_tier={str(n): 0.2 for n in range(1, 6)},
        ),
        ids["women"]: FanBase(clickers=300, gender={"f": 0.9, "m": 0.1}),
        ids["men"]: FanBase(clickers=300, gender={"f": 0.1, "m": 0.9}),
    }
    publish(
        producer,
        MatchSnapshot(
            model="match@1",
            weights=model.export(),
            base_rate=0.067,
            fans=fans,
            source="test",
            updated_at=time.time(),
        ),
    )
    return ids


def match(client: TestClient, creator: str, product: str, **kw: Any) -> dict[str, Any]:
    def get() -> dict[str, Any] | None:
        body = client.get("/v1/match", params={"creator": creator, "product": product}, **kw).json()
        return body if body.get("model") else None

    body = eventually(get)
    assert body is not None, "no match score"
    return body


def test_a_creator_whose_fans_fit_the_product_scores_higher(
    client: TestClient, world: dict[str, str]
) -> None:
    women = match(client, world["women"], world["sku"])
    men = match(client, world["men"], world["sku"])
    assert women["fans"] == men["fans"] == "observed" and women["model"] == "match@1"
    assert women["score"] > 60 and men["score"] < 45
    assert 0 <= men["probability"] < women["probability"] <= 1


def test_without_clicks_the_declared_fan_profile_is_used(
    client: TestClient, world: dict[str, str]
) -> None:
    declared = match(client, world["declared"], world["sku"])
    plain = match(client, world["plain"], world["sku"])
    assert declared["fans"] == "declared" and plain["fans"] == "none"
    assert declared["score"] > plain["score"] and "average viewer" in plain["reason"]


def test_a_batch_scores_every_pair_in_order(client: TestClient, world: dict[str, str]) -> None:
    match(client, world["women"], world["sku"])  # the weights have arrived
    pairs = [{"creator": world[k], "product": world["sku"]} for k in ("men", "women", "plain")]
    resp = client.post("/v1/match", json={"pairs": pairs})
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 3 and [d["creator"] for d in body["data"]] == [
        p["creator"] for p in pairs
    ]
    singles = [match(client, p["creator"], p["product"])["score"] for p in pairs]
    assert [d["score"] for d in body["data"]] == singles


def test_a_batch_is_bounded_and_validated(client: TestClient) -> None:
    too_many = [{"creator": "c", "product": "p"}] * 1001
    assert client.post("/v1/match", json={"pairs": too_many}).status_code == 422
    assert client.post("/v1/match", json={"pairs": []}).status_code == 422
    assert client.get("/v1/match", params={"creator": "c"}).status_code == 422


def test_a_key_of_another_shop_cannot_score_this_shops_product(
    client: TestClient, world: dict[str, str]
) -> None:
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    other = bearer(make_key(store, "buyer", ["shop-elsewhere"]))
    params = {"creator": world["women"], "product": world["sku"]}
    assert client.get("/v1/match", params=params, headers=other).status_code == 403


def test_campaign_live_shows_its_match_score(client: TestClient, producer: KafkaProducer) -> None:
    campaign, now = f"cp-{uid()}", time.time()
    topic = topics.campaign_live.get_topic_name()
    snap = CampaignLive(
        campaign_id=campaign,
        shop_id="shop-7",
        minutes=[CampaignMinute(minute=int(now // 60), clicks=3)],
        updated_at=now,
    )
    producer.send(
        topic,
        encode_envelope([snap]),
        partition=partition_for(campaign, len(producer.partitions_for(topic))),
    ).get(10)
    parts = [
        MatchScore(
            kind="campaign",
            id=campaign,
            campaign_id=campaign,
            shop_id="shop-7",
            score=s,
            clicks=n,
            model="match@1",
            source=src,
            updated_at=now,
        )
        for s, n, src in ((80.0, 30, "w1"), (60.0, 10, "w2"))
    ]
    publish(producer, *parts)

    def live() -> dict[str, Any] | None:
        resp = client.get(f"/v1/campaigns/{campaign}/live")
        return resp.json() if resp.status_code == 200 and resp.json()["match_score"] else None

    body = eventually(live)
    assert body is not None and body["match_score"] == 75.0  # clicks-weighted over workers


def test_trust_is_explained_per_component(
    client: TestClient, producer: KafkaProducer, world: dict[str, str]
) -> None:
    rng = random.Random(1)
    counters = CreatorCounters(
        creator_id=world["declared"],
        impressions=10_000,
        plays=600,
        clicks=400,
        clickers=300,
        repeat_clickers=90,
        orders=100,
        repeat_orders_48h=10,
        cities={"杭州": 40, "上海": 60},
        source=f"w-{rng.random()}",
        updated_at=time.time(),
    )
    publish(producer, counters)

    def trust() -> dict[str, Any] | None:
        body = client.get(f"/v1/match/creators/{world['declared']}/trust").json()
        return body if body["score"] is not None else None

    body = eventually(trust)
    assert body is not None
    parts = body["components"]
    assert parts["interaction"]["rate"] == 0.1 and parts["interaction"]["points"] > 0
    assert parts["same_city"]["rate"] == 0.4 and parts["fan_penetration"]["rate"] == 0.3
    assert parts["returns"]["missing"] == "no refund events received yet"
    assert body["coverage"] == 0.75 and body["home_city"] == "杭州" and body["rule_version"] == 1
    # interaction 1.0 × 30, repurchase 0.5 × 20, same city 0.8 × 15, penetration 1.0 × 10, of 75
    assert body["score"] == round(100 * (30 + 10 + 12 + 10) / 75, 2)


def test_trust_of_an_unknown_creator_has_no_score(client: TestClient) -> None:
    body = client.get(f"/v1/match/creators/nobody-{uid()}/trust").json()
    assert body["score"] is None and body["components"]["interaction"]["missing"]
