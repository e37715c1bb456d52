"""``/v1/flash-sales``, ``/v1/radar`` and ``/v1/ab-tests`` in-process against the real
broker: the countdowns, radar rows and test states the workers publish, filtered, sorted
and shop-scoped; stock levels and searches ingested over HTTP with every refused item named."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaProducer
from pydantic import BaseModel

from tests.api.models_topic import eventually, make_client, make_producer, uid
from tests.auth import bearer, make_key
from warroom.schemas.abtest import AbTestState, VariantState
from warroom.schemas.flash import StockSnapshot
from warroom.schemas.radar import RadarRow
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from make_client(broker, tmp_path_factory)


@pytest.fixture(scope="module")
def producer(broker: str) -> Iterator[KafkaProducer]:
    yield from make_producer(broker)


def send(producer: KafkaProducer, topic: Any, *records: BaseModel) -> None:
    producer.send(topic.get_topic_name(), encode_envelope(records), partition=0).get(10)


def snapshot(sku: str, shop: str, remaining: int, left: float | None, level: str) -> StockSnapshot:
    return StockSnapshot(
        sku=sku,
        shop_id=shop,
        available=100,
        sold=100 - remaining,
        remaining=remaining,
        pace_per_s=0.0 if left is None else remaining / left,
        seconds_left=left,
        level=level,
        explanation="...",
        campaigns=["c1"],
        stopped=["c1"] if level == "stop" else [],
        rule_version=1,
        updated_at=time.time(),
    )


def row(product: str, shop: str, growth: float | None, tags: list[str]) -> RadarRow:
    return RadarRow(
        product_id=product,
        shop_id=shop,
        searches=90,
        searches_before=20,
        search_growth=growth,
        plays=10,
        completion_rate=0.4,
        impressions=4000,
        orders=12,
        orders_per_mille=3.0,
        video_age_h=30.0,
        video_stage="peak",
        stock=500,
        stock_turnover_days=1.5,
        tags=tags,
        rule_version=1,
        updated_at=time.time(),
    )


@pytest.fixture(scope="module")
def world(client: TestClient, producer: KafkaProducer) -> dict[str, str]:
    shop, other = f"fs-{uid()}", f"fo-{uid()}"
    for s in (shop, other):
        made = client.post("/v1/shops", json={"id": s, "name": s, "platform": "douyin"})
        assert made.status_code == 201
    send(
        producer,
        topics.stock_live,
        snapshot(f"{shop}-a", shop, 300, None, "ok"),
        snapshot(f"{shop}-b", shop, 8, 4.0, "stop"),
        snapshot(f"{shop}-c", shop, 40, 100.0, "alert"),
        snapshot(f"{other}-a", other, 5, 1.0, "stop"),
    )
    send(
        producer,
        topics.radar_live,
        row(f"{shop}-a", shop, 3.5, ["今日必抢"]),
        row(f"{shop}-b", shop, None, []),
        row(f"{shop}-c", shop, 0.5, []),
        row(f"{other}-a", other, 9.0, ["今日必抢"]),
    )
    return {"shop": shop, "other": other}


def listed(client: TestClient, path: str, **params: Any) -> Any:
    def get() -> Any:
        body = client.get(path, params=params).json()
        return body if body.get("count", 0) >= 3 else None

    return eventually(get)


def test_countdowns_soonest_first_with_level_filter(
    client: TestClient, world: dict[str, str]
) -> None:
    shop = world["shop"]
    body = listed(client, "/v1/flash-sales", shop_id=shop)

    assert [s["sku"] for s in body["data"]] == [f"{shop}-b", f"{shop}-c", f"{shop}-a"]
    assert body["count"] == 3
    stops = client.get("/v1/flash-sales", params={"shop_id": shop, "level": ["stop", "sold_out"]})
    assert [s["sku"] for s in stops.json()["data"]] == [f"{shop}-b"]
    one = client.get(f"/v1/flash-sales/{shop}-b").json()
    assert (one["remaining"], one["seconds_left"], one["stopped"]) == (8, 4.0, ["c1"])


def test_radar_sorted_by_growth_and_filtered_by_tag(
    client: TestClient, world: dict[str, str]
) -> None:
    shop = world["shop"]
    body = listed(client, "/v1/radar", shop_id=shop)

    assert [r["product_id"] for r in body["data"]] == [f"{shop}-a", f"{shop}-c", f"{shop}-b"]
    tagged = client.get("/v1/radar", params={"shop_id": shop, "tag": "今日必抢"}).json()
    assert [r["product_id"] for r in tagged["data"]] == [f"{shop}-a"]
    first = client.get(f"/v1/radar/{shop}-a").json()
    assert (first["orders_per_mille"], first["video_stage"]) == (3.0, "peak")


def test_shop_scoped_keys_see_their_shops_only(client: TestClient, world: dict[str, str]) -> None:
    listed(client, "/v1/radar", shop_id=world["shop"])
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    key = bearer(make_key(store, "viewer", [world["shop"]]))

    for path in ("/v1/flash-sales", "/v1/radar"):
        mine = client.get(path, headers=key).json()
        assert {r["shop_id"] for r in mine["data"]} == {world["shop"]}
        assert client.get(path, headers=key, params={"shop_id": world["other"]}).status_code == 403
    assert client.get(f"/v1/flash-sales/{world['other']}-a", headers=key).status_code == 404
    assert client.get(f"/v1/radar/{world['other']}-a", headers=key).status_code == 404
    assert client.get("/v1/radar", headers=bearer(make_key(store, "ingest"))).status_code == 403


def test_bad_queries_name_the_field(client: TestClient) -> None:
    bad_level = client.get("/v1/flash-sales", params={"level": "empty"})
    bad_sort = client.get("/v1/radar", params={"sort": "price"})

    assert bad_level.status_code == 422 and "level" in bad_level.text
    assert bad_sort.status_code == 422 and "sort" in bad_sort.text
    assert client.get(f"/v1/flash-sales/SKU-{uid()}").status_code == 404


def test_stock_levels_and_searches_are_ingested_with_refusals_named(client: TestClient) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    level = {"event_id": f"s-{uid()}", "ts": now, "shop_id": "s1", "sku": "SKU-1", "available": 80}
    search = {"event_id": f"q-{uid()}", "ts": now, "shop_id": "s1", "product_id": "SKU-1"}

    stock = client.post("/v1/events/stock", json=[level, {**level, "available": -1}])
    searched = client.post("/v1/events/searches", json=[search, {**search, "product_id": ""}])

    assert stock.status_code == 202
    assert stock.json() == {
        "accepted": 1,
        "rejected": [
            {"index": 1, "field": "available", "message": stock.json()["rejected"][0]["message"]}
        ],
    }
    assert searched.status_code == 202
    assert [(r["index"], r["field"]) for r in searched.json()["rejected"]] == [(1, "product_id")]


def ab_state(rule_id: str, shop: str, status: str) -> AbTestState:
    variants = [
        VariantState(
            creative_id=c,
            control=c == "a",
            impressions=20_000,
            clicks=n,
            orders=0,
            spend=0.0,
            gmv=0.0,
            value=n / 20_000,
            p_value=None if c == "a" else p,
        )
        for c, n, p in (("a", 400, None), ("b", 640, 1e-6))
    ]
    return AbTestState(
        rule_id=rule_id,
        rule_version=1,
        mode="enforce",
        shop_id=shop,
        metric="ctr",
        alpha=0.05,
        started_at=time.time() - 60,
        status=status,
        winner="b" if status == "decided" else None,
        confidence=0.999999 if status == "decided" else None,
        losers=["a"] if status == "decided" else [],
        variants=variants,
        updated_at=time.time(),
    )


def test_ab_tests_by_status_and_scope(
    client: TestClient, producer: KafkaProducer, world: dict[str, str]
) -> None:
    shop, other = world["shop"], world["other"]
    done, going, hidden = f"ab.{uid()}", f"ab.{uid()}", f"ab.{uid()}"
    send(
        producer,
        topics.ab_tests_live,
        ab_state(done, shop, "decided"),
        ab_state(going, shop, "running"),
        ab_state(hidden, other, "decided"),
    )
    eventually(lambda: client.get(f"/v1/ab-tests/{hidden}").status_code == 200)
    store = client.app.state.runtime.store  # type: ignore[attr-defined]
    key = bearer(make_key(store, "viewer", [shop]))

    decided = client.get("/v1/ab-tests", params={"status": "decided"}, headers=key).json()
    one = client.get(f"/v1/ab-tests/{done}", headers=key).json()

    assert [t["rule_id"] for t in decided["data"]] == [done]
    assert (one["winner"], one["confidence"], one["losers"]) == ("b", 0.999999, ["a"])
    assert client.get(f"/v1/ab-tests/{hidden}", headers=key).status_code == 404
    assert client.get("/v1/ab-tests", params={"status": "won"}).status_code == 422
