"""Risk figures against ground truth, from verdicts as read off the verdicts topic."""

from __future__ import annotations

from typing import Any

from warroom.evaluation.risk_metrics import Seen, score

START = 1_795_000_000.0


def verdict(order: str, rule: str, ts: float, outcome: str = "hold", **hit: Any) -> dict[str, Any]:
    return {
        "order_id": order,
        "outcome": outcome,
        "mode": "enforce",
        "event_ts": "2026-11-18T08:26:40Z" if ts == START else _iso(ts),
        "hits": [{"rule_id": rule, "entity": hit.get("entity", f"order:{order}"),
                  "evidence": hit.get("evidence", [])}],
    }  # fmt: skip


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


BURST = {
    "attack_id": "a1", "kind": "ip_burst", "variant": "fast", "start": START,
    "over_threshold": True, "entities": ["ip:1.2.3.4"],
    "order_ids": ["b1", "b2", "b3", "b4", "b5", "b6"], "event_ids": [],
}  # fmt: skip
SLOW = {**BURST, "attack_id": "a2", "variant": "slow_under", "over_threshold": False,
        "order_ids": ["s1", "s2"]}  # fmt: skip
ORDERS = {"b1", "b2", "b3", "b4", "b5", "b6", "s1", "s2", *(f"n{i}" for i in range(98))}


def test_a_burst_caught_on_its_sixth_order_counts_every_order_it_names() -> None:
    seen = [Seen(verdict("b6", "risk.same_ip_burst", START + 5, evidence=BURST["order_ids"]), 10.0)]
    result = score(seen, [BURST, SLOW], ORDERS, {"b6": [9.5]})

    rule = result["rules"]["risk.same_ip_burst"]
    assert rule["recall"] == 1.0 and rule["precision"] == 1.0 and rule["target_orders"] == 6
    fast = result["attacks"]["ip_burst.fast"]
    assert fast["detected"] == 1 and fast["detect_sim_s_p50"] == 5.0
    assert fast["latency_ms_p50"] == 500.0
    assert result["attacks"]["ip_burst.slow_under"]["detected"] == 0
    assert result["overall"]["recall"] == 0.75  # 6 of the 8 attack orders


def test_a_hold_on_a_normal_order_is_a_false_hold_per_10k() -> None:
    seen = [
        Seen(verdict("n1", "risk.same_ip_burst", START), 1.0),
        Seen(verdict("n2", "risk.price_deviation", START, outcome="review"), 1.0),
    ]
    result = score(seen, [BURST, SLOW], ORDERS, {})

    assert result["normal_orders"] == 98
    assert result["overall"]["false_holds"] == 1  # a review is not a hold
    assert result["overall"]["false_holds_by_rule"] == {"risk.same_ip_burst": 1}
    assert result["overall"]["false_holds_per_10k"] == round(1e4 / 98, 2)
    assert result["overall"]["precision"] == 0.0
    assert result["rules"]["risk.same_ip_burst"]["precision"] == 0.0


def test_a_verdict_of_another_rule_does_not_count_as_catching_a_burst() -> None:
    seen = [Seen(verdict("b1", "risk.unknown_order_payment", START + 1), 2.0)]
    result = score(seen, [BURST], ORDERS, {})

    assert result["attacks"]["ip_burst.fast"]["detected"] == 0
    assert result["overall"]["recall"] == round(1 / 6, 4)  # flagged, by some rule


def test_an_entity_hit_before_the_attack_began_does_not_detect_it() -> None:
    refund = {**BURST, "kind": "refund_abuse", "variant": "", "entities": ["sku:K1"],
              "order_ids": ["n5"]}  # fmt: skip
    early = Seen(verdict("n7", "risk.refund_spike", START - 60, entity="sku:K1"), 1.0)
    late = Seen(verdict("n8", "risk.refund_spike", START + 60, entity="sku:K1"), 3.0)

    assert score([early], [refund], ORDERS, {})["attacks"]["refund_abuse"]["detected"] == 0
    found = score([early, late], [refund], ORDERS, {})["attacks"]["refund_abuse"]
    assert found["detected"] == 1 and found["detect_sim_s_p50"] == 60.0
