"""The simulator: reproducible from a seed, valid events, attacks with ground truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from warroom.rules.risk.same_ip_burst import Params, densest_window
from warroom.sim.traffic import Traffic
from warroom.streams.codecs import validate_items

T0 = 1_795_000_000.0


def run(seed: int, seconds: float = 60, rate: int = 200) -> tuple[Traffic, dict[str, list[Any]]]:
    traffic = Traffic(seed)
    out: dict[str, list[Any]] = defaultdict(list)
    for step in range(int(seconds * 10)):
        for kind, events in traffic.tick(T0 + step / 10, rate // 10).items():
            out[kind].extend(events)
    return traffic, out


def without_ts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "ts"} for e in events]


def test_same_seed_same_traffic_other_seed_other_traffic() -> None:
    (_, a), (_, b), (_, c) = run(11, 20), run(11, 20), run(12, 20)
    assert {k: without_ts(v) for k, v in a.items()} == {k: without_ts(v) for k, v in b.items()}
    assert without_ts(a["orders"]) != without_ts(c["orders"])


def test_every_simulated_event_is_valid() -> None:
    _, out = run(3, 30)
    for kind, events in out.items():
        good, bad = validate_items(kind, enumerate(events))
        assert bad == []
        assert len(good) == len(events)


def test_traffic_looks_like_live_commerce() -> None:
    _, out = run(5, 30)
    kinds = Counter(e["kind"] for e in out["clicks"])
    assert kinds["impression"] > kinds["play"] > kinds["click"] > 0
    assert 0 < len(out["orders"]) < kinds["click"]
    paid = {p["order_id"] for p in out["payments"]}
    assert paid <= {o["order_id"] for o in out["orders"]}  # a payment follows its order
    assert len(paid) > 0.7 * len(out["orders"])  # seconds later: the last ones still to come
    assert len({e["event_id"] for v in out.values() for e in v}) == sum(map(len, out.values()))


def test_a_payment_comes_after_its_order_and_pays_its_amount() -> None:
    _, out = run(9, 60)
    orders = {o["order_id"]: o for o in out["orders"]}
    for pay in out["payments"]:
        order = orders[pay["order_id"]]
        assert pay["amount"] == order["amount"]
        assert _epoch(pay["ts"]) > _epoch(order["ts"])


def test_ground_truth_marks_the_bursts_that_break_the_rule_and_only_those() -> None:
    traffic, out = run(7, 60)
    by_ip: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for order in out["orders"]:
        by_ip[order["ip"]].append((_epoch(order["ts"]), order["order_id"]))
    truth_ips = {t["ip"] for t in traffic.truth}
    assert len(truth_ips) >= 2  # an attack every 20 s of a minute's traffic
    over = {ip for ip, orders in by_ip.items() if breaks_rule(sorted(t for t, _ in orders))}
    assert over == truth_ips
    truth_orders = {t["order_id"] for t in traffic.truth}
    assert truth_orders == {oid for ip in truth_ips for _, oid in by_ip[ip]}


RULE = Params()


def breaks_rule(times: list[float], params: Params = RULE) -> bool:
    """Some window of the rule around some order holds more than max_orders orders."""
    for t in times:
        lo, hi = densest_window(times, t, params.window_s)
        if hi - lo > params.max_orders:
            return True
    return False


def test_near_misses_are_simulated_too() -> None:
    _, out = run(7, 60)
    per_ip = Counter(o["ip"] for o in out["orders"])
    assert any(3 <= n <= 5 for n in per_ip.values())


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
