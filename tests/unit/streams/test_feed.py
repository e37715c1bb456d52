"""The live feed: subscribers get the items they asked for; a slow one loses the oldest."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from warroom.streams.feed import FeedHub, Filter


def verdict(
    order_id: str, ip: str = "203.0.113.45", shop: str = "shop-hz-tea-007"
) -> dict[str, Any]:
    return {
        "kind": "verdict",
        "key": f"{order_id}|risk.same_ip_burst@1",
        "order_id": order_id,
        "outcome": "hold",
        "entities": [f"order:{order_id}", f"shop:{shop}", f"ip:{ip}"],
    }


def decision(campaign_id: str) -> dict[str, Any]:
    return {"kind": "decision", "action": "pause", "entities": [f"campaign:{campaign_id}"]}


def drain(sub: Any) -> list[dict[str, Any]]:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait().record)
    return out


@pytest.mark.parametrize(
    ("wants", "expected"),
    [
        (Filter(), ["DY1", "DY2", "cmp-1"]),
        (Filter(kinds=frozenset({"verdict"})), ["DY1", "DY2"]),
        (Filter(kinds=frozenset({"decision"})), ["cmp-1"]),
        (Filter(kinds=frozenset({"verdict", "decision"})), ["DY1", "DY2", "cmp-1"]),
        (Filter(entity="ip:198.51.100.7"), ["DY2"]),
        (Filter(entity="shop:shop-hz-tea-007"), ["DY1", "DY2"]),
        (Filter(kinds=frozenset({"decision"}), entity="ip:198.51.100.7"), []),
        (Filter(entity="campaign:cmp-1"), ["cmp-1"]),
        (Filter(entity="ip:192.0.2.1"), []),
    ],
)
def test_subscribers_get_only_what_they_filter_for(wants: Filter, expected: list[str]) -> None:
    hub = FeedHub()
    with hub.subscribe(wants) as sub:
        hub.publish(verdict("DY1"))
        hub.publish(verdict("DY2", ip="198.51.100.7"))
        hub.publish(decision("cmp-1"))

    got = [r.get("order_id") or r["entities"][0].removeprefix("campaign:") for r in drain(sub)]
    assert got == expected


async def test_a_waiting_subscriber_receives_the_item_as_json() -> None:
    hub = FeedHub()
    with hub.subscribe(Filter(kinds=frozenset({"verdict"}))) as sub:
        waiter = asyncio.create_task(sub.queue.get())
        await asyncio.sleep(0)
        hub.publish(verdict("DY1"))
        item = await asyncio.wait_for(waiter, timeout=1)

    assert item.kind == "verdict"
    assert orjson.loads(item.data) == verdict("DY1")


def test_backlog_replays_the_most_recent_matching_items_first() -> None:
    hub = FeedHub(recent=500)
    for n in range(10):
        hub.publish(verdict(f"DY{n}", ip="198.51.100.7" if n % 2 else "203.0.113.45"))
        hub.publish(decision(f"cmp-{n}"))

    with hub.subscribe(Filter(entity="ip:198.51.100.7"), backlog=3) as sub:
        hub.publish(verdict("DY-new", ip="198.51.100.7"))

    assert [r["order_id"] for r in drain(sub)] == ["DY5", "DY7", "DY9", "DY-new"]


def test_no_backlog_means_only_new_items() -> None:
    hub = FeedHub()
    hub.publish(verdict("DY-old"))

    with hub.subscribe(Filter()) as sub:
        hub.publish(verdict("DY-new"))

    assert [r["order_id"] for r in drain(sub)] == ["DY-new"]


def test_backlog_is_limited_to_what_the_hub_remembers() -> None:
    hub = FeedHub(recent=4)
    for n in range(10):
        hub.publish(verdict(f"DY{n}"))

    with hub.subscribe(Filter(), backlog=100) as sub:
        pass

    assert [r["order_id"] for r in drain(sub)] == ["DY6", "DY7", "DY8", "DY9"]
    assert hub.published == 10


def test_a_slow_subscriber_loses_the_oldest_and_is_told_how_many() -> None:
    hub = FeedHub(queue_size=3)
    with (
        hub.subscribe(Filter()) as slow,
        hub.subscribe(Filter(kinds=frozenset({"decision"}))) as other,
    ):
        for n in range(5):
            hub.publish(verdict(f"DY{n}"))

        assert slow.dropped == 2
        assert [r["order_id"] for r in drain(slow)] == ["DY2", "DY3", "DY4"]
        assert other.dropped == 0

        hub.publish(verdict("DY5"))
        assert [r["order_id"] for r in drain(slow)] == ["DY5"]
        assert slow.dropped == 2


def test_leaving_the_block_unsubscribes() -> None:
    hub = FeedHub()
    with hub.subscribe(Filter()) as sub:
        hub.publish(verdict("DY1"))

    hub.publish(verdict("DY2"))

    assert [r["order_id"] for r in drain(sub)] == ["DY1"]


def test_an_envelope_from_a_topic_becomes_one_item_per_record() -> None:
    hub = FeedHub()
    with hub.subscribe(Filter()) as sub:
        hub.publish_envelope("warroom.v1.verdicts", orjson.dumps([verdict("DY1"), verdict("DY2")]))
        hub.publish_envelope("warroom.v1.decisions", orjson.dumps(decision("cmp-1")))

    assert [r["kind"] for r in drain(sub)] == ["verdict", "verdict", "decision"]
    assert hub.published == 3


def test_records_without_kind_or_entities_still_reach_unfiltered_subscribers() -> None:
    hub = FeedHub()
    with (
        hub.subscribe(Filter()) as everything,
        hub.subscribe(Filter(entity="ip:203.0.113.45")) as by_ip,
    ):
        hub.publish({"note": "heartbeat"})

    [item] = list(hub.recent)
    assert item.kind == "unknown"
    assert drain(everything) == [{"note": "heartbeat"}]
    assert drain(by_ip) == []


def test_a_redelivered_record_is_shown_once() -> None:
    hub = FeedHub()
    verdict = {"kind": "verdict", "key": "o-1|risk.same_ip_burst@1", "entities": ["order:o-1"]}
    with hub.subscribe(Filter()) as sub:
        hub.publish(verdict)
        hub.publish(dict(verdict))  # at-least-once delivery sends it again
        hub.publish({**verdict, "key": "o-2|risk.same_ip_burst@1"})
        assert sub.queue.qsize() == 2
    assert (hub.published, hub.duplicates) == (2, 1)
