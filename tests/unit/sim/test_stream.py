"""Saved streams: reproducible from a seed, every kind of attack labelled beside the events
(never inside them), in time order, and replayed as saved."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.unit.sim.test_traffic import breaks_rule
from warroom.sim.attacks import KINDS
from warroom.sim.calendar import local_minute
from warroom.sim.files import load, save
from warroom.sim.run import replay
from warroom.sim.stream import RISK_KINDS, Stream, generate
from warroom.streams.codecs import validate_items

START = 1_795_104_000.0  # 2026-11-19 00:00 in Beijing


@pytest.fixture(scope="module")
def stream() -> Stream:
    return generate(7, START, 6, 20_000)


def test_same_seed_same_stream_other_seed_other_stream(stream: Stream) -> None:
    again, other = generate(7, START, 6, 20_000), generate(8, START, 6, 20_000)
    assert again.events == stream.events and again.attacks == stream.attacks
    assert other.events != stream.events


def test_events_come_in_time_order_and_are_all_valid(stream: Stream) -> None:
    times = [e["ts"] for _, e in stream.events]
    assert times == sorted(times)
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, event in stream.events:
        by_kind[kind].append(event)
    assert set(by_kind) == {*RISK_KINDS, "stock", "searches", "messages", "follows"}
    for kind, events in by_kind.items():
        good, bad = validate_items(kind, enumerate(events))
        assert bad == [] and len(good) == len(events)


def test_every_kind_of_attack_is_planted_and_labelled(stream: Stream) -> None:
    kinds = Counter(a["kind"] for a in stream.attacks)
    assert set(kinds) == set(KINDS)
    variants = {a["variant"] for a in stream.attacks if a["kind"] == "ip_burst"}
    assert variants == {"fast", "slow_over", "slow_under"}
    ids = {e["event_id"] for _, e in stream.events}
    for attack in stream.attacks:
        assert attack["event_ids"] and set(attack["event_ids"]) <= ids
        assert attack["start_ts"] <= max(e["ts"] for _, e in stream.events)


def test_the_truth_is_never_inside_the_events(stream: Stream) -> None:
    for _, event in stream.events:
        assert not {"attack", "attack_id", "truth", "variant"} & set(event)


def test_ip_bursts_over_the_threshold_break_the_rule_and_slow_ones_under_it_do_not(
    stream: Stream,
) -> None:
    orders = {e["order_id"]: e for k, e in stream.events if k == "orders"}
    for attack in (a for a in stream.attacks if a["kind"] == "ip_burst"):
        times = sorted(_epoch(orders[o]["ts"]) for o in attack["order_ids"])
        assert {orders[o]["ip"] for o in attack["order_ids"]} == {attack["entities"][0][3:]}
        assert breaks_rule(times) is attack["over_threshold"], attack["variant"]


def test_price_deviation_orders_are_more_than_30_percent_below_the_price(stream: Stream) -> None:
    orders = {e["order_id"]: e for k, e in stream.events if k == "orders"}
    usual = Counter((e["sku"], e["unit_price"]) for e in orders.values())
    for attack in (a for a in stream.attacks if a["kind"] == "price_deviation"):
        for order_id in attack["order_ids"]:
            order = orders[order_id]
            list_price = max(float(p) for (sku, p), n in usual.items() if sku == order["sku"])
            assert float(order["unit_price"]) < 0.7 * list_price


def test_payment_attacks_are_what_they_claim(stream: Stream) -> None:
    orders = {e["order_id"]: e for k, e in stream.events if k == "orders"}
    payments = {e["order_id"]: e for k, e in stream.events if k == "payments"}
    for attack in stream.attacks:
        for order_id in attack["order_ids"] if "payment" in attack["kind"] else []:
            paid = payments[order_id]["amount"]
            if attack["kind"] == "unknown_order_payment":
                assert order_id not in orders
            else:
                assert float(paid) < float(orders[order_id]["amount"])


def test_a_night_surge_comes_in_the_night_slot_and_refund_abuse_refunds_its_sku(
    stream: Stream,
) -> None:
    [surge] = [a for a in stream.attacks if a["kind"] == "night_surge"]
    assert 120 <= local_minute(surge["start"]) < 240  # 02:00-04:00 shop time
    refunds = {e["event_id"]: e for k, e in stream.events if k == "refunds"}
    for attack in (a for a in stream.attacks if a["kind"] == "refund_abuse"):
        skus = {refunds[r]["sku"] for r in attack["event_ids"]}
        assert [f"sku:{s}" for s in skus] == [attack["entities"][1]]


def test_a_saved_stream_loads_as_it_was(stream: Stream, tmp_path: Path) -> None:
    path = tmp_path / "stream.ndjson"
    save(stream, path)
    loaded = load(path)
    assert loaded.events == stream.events
    assert loaded.attacks == stream.attacks and loaded.meta == stream.meta


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def start(self) -> None: ...

    async def send(self, kind: str, events: Any) -> None:
        self.sent += [(kind, e) for e in events]

    async def stop(self) -> None: ...


async def test_a_replay_sends_every_event_and_an_order_before_its_payment(stream: Stream) -> None:
    sink = Recorder()
    assert await replay(sink, stream) == len(stream.events)
    assert Counter(k for k, _ in sink.sent) == Counter(k for k, _ in stream.events)
    position = {e["event_id"]: i for i, (_, e) in enumerate(sink.sent)}
    orders = {e["order_id"]: e for k, e in stream.events if k == "orders"}
    for kind, pay in stream.events:
        if kind == "payments" and pay["order_id"] in orders:
            assert position[orders[pay["order_id"]]["event_id"]] < position[pay["event_id"]]


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
