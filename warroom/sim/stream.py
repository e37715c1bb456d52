"""A bounded stream in simulated time: a span of the shops' day (the diurnal curve, flash
sales, refunds) with a plan of every kind of attack, in time order, with its ground truth,
and (unless left out) the playbook's stock levels, searches, messages and follows.

The same seed, start and size give the same stream, event for event.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from warroom.sim.calendar import diurnal, local_minute
from warroom.sim.events import Event
from warroom.sim.platform import SimulatedPlatform
from warroom.sim.traffic import EVENTS_PER_IMPRESSION, PLAY_RATE, Planned, Traffic

#: Simulated seconds per tick.
STEP_S = 5.0
#: IP-burst variants, in turn, one every ``BURST_EVERY_S`` (a near miss is not an attack).
BURST_CYCLE = ("fast", "near_miss", "slow_over", "slow_under")
BURST_EVERY_S = 600.0
#: Other attacks: (kind, first after start, then every; seconds).
EVERY = (
    ("payment_mismatch", 1200.0, 3600.0),
    ("click_fraud", 1800.0, 4 * 3600.0),
    ("unknown_order_payment", 2400.0, 3600.0),
    ("price_deviation", 3600.0, 2 * 3600.0),
    ("refund_abuse", 5400.0, 6 * 3600.0),
)
#: A night surge starts at this minute of each shop night in the span (02:20).
NIGHT_SURGE_MINUTE = 140


@dataclass
class Stream:
    """Events as (topic kind, event) in time order, and the ground truth beside them."""

    meta: dict[str, Any]
    events: list[tuple[str, Event]] = field(default_factory=list)
    attacks: list[dict[str, Any]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(k == kind for k, _ in self.events)


def attack_plan(start: float, hours: float) -> list[Planned]:
    """Every kind of attack over [start, start + hours), in time order."""
    end = start + hours * 3600
    plan = [
        Planned(start + 180 + k * BURST_EVERY_S, *_burst(BURST_CYCLE[k % len(BURST_CYCLE)]))
        for k in range(int((end - start - 240) // BURST_EVERY_S))
    ]
    for kind, first, every in EVERY:
        at = start + first
        while at < end - 900:
            plan.append(Planned(at, kind))
            at += every
    for at in range(int(start), int(end - 1200), 60):
        if local_minute(at) == NIGHT_SURGE_MINUTE:
            plan.append(Planned(float(at), "night_surge"))
    return sorted(plan, key=lambda p: p.at)


def _burst(variant: str) -> tuple[str, str]:
    return ("near_miss", "") if variant == "near_miss" else ("ip_burst", variant)


def impressions_per_s(start: float, hours: float, events: int) -> float:
    """The peak impression rate that gives about ``events`` events over the span."""
    steps = int(hours * 3600 / STEP_S)
    weight = sum(diurnal(start + k * STEP_S) for k in range(steps)) * STEP_S
    return events / max(1e-9, weight * EVENTS_PER_IMPRESSION)


def sampled(kind: str, event: Event, share: float) -> bool:
    """Whether an event stays in a stream that keeps ``share`` of impressions and plays (and
    every click, order, payment and refund); the same events whatever the run."""
    if share >= 1 or kind != "clicks" or event["kind"] == "click":
        return True
    return zlib.crc32(event["event_id"].encode()) % 10_000 < share * 10_000


#: What a risk stream holds: the kinds the risk rules read (and ``warroom eval`` sends).
RISK_KINDS = ("clicks", "orders", "payments", "refunds")


def generate(
    seed: int,
    start: float,
    hours: float,
    events: int,
    ad_share: float = 1.0,
    playbook: bool | None = None,
) -> Stream:
    """About ``events`` events over ``hours`` simulated hours from ``start`` (epoch s).

    ``ad_share`` < 1 keeps that share of impressions and plays only (the risk rules read
    none of them), so that a stream of a given size holds more orders. ``playbook``: with
    the playbook's events (stock, searches, messages, follows and the followers'
    repurchases); by default only in a full stream (``ad_share`` 1): a risk stream (as
    ``warroom eval`` makes, whose sender sends ``RISK_KINDS`` only) leaves them out, and
    its events and truth are then those of a stream made before they existed."""
    with_playbook = ad_share >= 1 if playbook is None else playbook
    plan = attack_plan(start, hours)
    per_impression = EVENTS_PER_IMPRESSION - (1 - ad_share) * (1 + PLAY_RATE)
    rate = impressions_per_s(start, hours, events) * EVENTS_PER_IMPRESSION / per_impression
    traffic = Traffic(
        seed, plan=plan, platform=SimulatedPlatform(), playbook=with_playbook,
        pace=lambda ts: rate * diurnal(ts),
    )  # fmt: skip
    meta = {
        "seed": seed, "start": start, "hours": hours, "events": events, "ad_share": ad_share,
        "playbook": with_playbook, "format": 1,
    }  # fmt: skip
    stream, owed = Stream(meta), 0.0
    for k in range(int(hours * 3600 / STEP_S)):
        now = start + k * STEP_S
        owed += rate * diurnal(now) * STEP_S
        n, owed = int(owed), owed - int(owed)
        for kind, batch in traffic.tick(now, n, spread_s=STEP_S).items():
            stream.events += [(kind, e) for e in batch if sampled(kind, e, ad_share)]
    stream.events.sort(key=lambda pair: pair[1]["ts"])
    end = start + hours * 3600
    stream.attacks = [a.record() for a in traffic.attacks if a.start < end]
    return stream
