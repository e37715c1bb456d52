"""Risk decisions against ground truth (pure): per rule and overall precision and recall,
per attack kind detection and time to detect, false holds per 10,000 normal orders.

An order is *flagged* by a rule when a verdict on it lists a hit of that rule, or when a
hit of that rule names it in its evidence (a burst's verdict on its sixth order names the
five before it). An attack is *detected* when some verdict flags one of its orders or a
hit fires on one of its entities (``sku:…``, ``creative:…``). Time to detect: simulated
seconds from the attack's start to the event time of its first verdict, and wall-clock
milliseconds from sending that verdict's event to reading the verdict.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: The attack kinds each rule is meant to catch.
TARGETS: dict[str, frozenset[str]] = {
    "risk.same_ip_burst": frozenset({"ip_burst"}),
    "risk.price_deviation": frozenset({"price_deviation"}),
    "risk.night_surge": frozenset({"night_surge"}),
    "risk.payment_mismatch": frozenset({"payment_mismatch"}),
    "risk.unknown_order_payment": frozenset({"unknown_order_payment"}),
    "risk.refund_spike": frozenset({"refund_abuse"}),
}
HOLDS = frozenset({"hold", "decline"})


@dataclass(frozen=True, slots=True)
class Seen:
    """A verdict as read from the verdicts topic, and when (wall clock, epoch s)."""

    verdict: Mapping[str, Any]
    received: float


@dataclass
class Flags:
    """Orders and entities each rule flagged, first sightings, and the holds."""

    orders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    seen: dict[str, list[Seen]] = field(default_factory=lambda: defaultdict(list))
    held: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # → rules


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def flags_of(seen: Iterable[Seen], known_orders: set[str]) -> Flags:
    flags = Flags()
    for item in sorted(seen, key=lambda s: s.received):
        v = item.verdict
        if v.get("mode") == "enforce" and v.get("outcome") in HOLDS:
            flags.held[v["order_id"]].update(h["rule_id"] for h in v.get("hits", []))
        for hit in v.get("hits", []):
            rule = hit["rule_id"]
            named = [v["order_id"], *(e for e in hit.get("evidence", []) if e in known_orders)]
            flags.orders[rule].update(named)
            flags.entities[rule].add(hit["entity"])
            for key in (*named, hit["entity"]):
                flags.seen[key].append(item)
    return flags


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def rule_rows(flags: Flags, attacks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per rule: flagged orders, how many belong to attacks, precision and recall."""
    attack_orders = {o for a in attacks for o in a["order_ids"]}
    rows = {}
    for rule in sorted(set(flags.orders) | set(TARGETS)):
        flagged = flags.orders.get(rule, set())
        kinds = TARGETS.get(rule, frozenset())
        target = {
            o for a in attacks if a["kind"] in kinds and a["over_threshold"] for o in a["order_ids"]
        }
        rows[rule] = {
            "flagged_orders": len(flagged),
            "true_positives": len(flagged & attack_orders),
            "precision": ratio(len(flagged & attack_orders), len(flagged)),
            "targets": sorted(kinds),
            "target_orders": len(target),
            "recall": ratio(len(flagged & target), len(target)),
        }
    return rows


def catchers(kind: str) -> frozenset[str] | None:
    """The rules meant to catch ``kind``; None when no rule is (then any rule counts)."""
    rules = frozenset(rule for rule, kinds in TARGETS.items() if kind in kinds)
    return rules or None


def _by(seen: Seen, rules: frozenset[str] | None) -> bool:
    return rules is None or any(h["rule_id"] in rules for h in seen.verdict.get("hits", []))


def detection(attack: dict[str, Any], flags: Flags) -> Seen | None:
    """The first verdict (read first) of a rule meant to catch the attack that flags one of
    its orders, or fires on one of its entities for an event at or after its start."""
    rules, keys = catchers(attack["kind"]), [*attack["order_ids"], *attack["entities"]]
    hits = [
        s
        for k in keys
        for s in flags.seen.get(k, ())
        if _by(s, rules) and epoch(s.verdict["event_ts"]) >= attack["start"]
    ]
    return min(hits, key=lambda s: s.received, default=None)


def flagged_by(flags: Flags, rules: frozenset[str] | None) -> set[str]:
    """Orders flagged by any of ``rules`` (None: by any rule)."""
    chosen = [o for rule, o in flags.orders.items() if rules is None or rule in rules]
    return set().union(*chosen)


def kind_rows(
    flags: Flags, attacks: list[dict[str, Any]], sent: Mapping[str, Sequence[float]]
) -> dict[str, dict[str, Any]]:
    """Per attack kind (and IP-burst variant): detected attacks, order recall and time to
    detect, by the rules meant to catch the kind (any rule when none is)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in attacks:
        groups[a["kind"] + (f".{a['variant']}" if a["variant"] else "")].append(a)
    rows = {}
    for name, group in sorted(groups.items()):
        flagged = flagged_by(flags, catchers(group[0]["kind"]))
        found = [(a, s) for a in group if (s := detection(a, flags)) is not None]
        orders = {o for a in group for o in a["order_ids"]}
        sim = [epoch(s.verdict["event_ts"]) - a["start"] for a, s in found]
        wall = [x for _, s in found if (x := latency_ms(s, sent)) is not None]
        rows[name] = {
            "attacks": len(group),
            "over_threshold": sum(a["over_threshold"] for a in group),
            "detected": len(found),
            "orders": len(orders),
            "order_recall": ratio(len(orders & flagged), len(orders)),
            "detect_sim_s_p50": _median(sim),
            "detect_sim_s_max": round(max(sim), 1) if sim else None,
            "latency_ms_p50": _median(wall),
            "latency_ms_max": round(max(wall), 1) if wall else None,
        }
    return rows


def latency_ms(seen: Seen, sent: Mapping[str, Sequence[float]]) -> float | None:
    """From sending the verdict's order's last event read before the verdict to reading it."""
    before = [t for t in sent.get(seen.verdict["order_id"], ()) if t <= seen.received]
    return 1000 * (seen.received - max(before)) if before else None


def _median(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 1) if xs else None


def score(
    seen: list[Seen],
    attacks: list[dict[str, Any]],
    orders: set[str],
    sent: Mapping[str, Sequence[float]],
) -> dict[str, Any]:
    """Every figure of the risk evaluation. ``orders``: every order id in the stream;
    ``sent``: when each order's events (order, payments, refunds) were sent, by order id."""
    attack_orders = {o for a in attacks for o in a["order_ids"]}
    flags = flags_of(seen, orders | attack_orders)
    flagged = flagged_by(flags, None)
    normal = orders - attack_orders
    false = {o: rules for o, rules in flags.held.items() if o in normal}
    by_rule = Counter(rule for rules in false.values() for rule in rules)
    false_holds = len(false)
    return {
        "verdicts": len(seen),
        "orders": len(orders),
        "normal_orders": len(normal),
        "attack_orders": len(attack_orders),
        "overall": {
            "flagged_orders": len(flagged),
            "precision": ratio(len(flagged & attack_orders), len(flagged)),
            "recall": ratio(len(flagged & attack_orders), len(attack_orders)),
            "false_holds": false_holds,
            "false_holds_per_10k": round(1e4 * false_holds / len(normal), 2) if normal else None,
            "false_holds_by_rule": dict(by_rule.most_common()),
        },
        "rules": rule_rows(flags, attacks),
        "attacks": kind_rows(flags, attacks, sent),
    }
