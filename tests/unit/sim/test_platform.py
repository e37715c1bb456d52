"""The simulated ad platform closes the loop: what the actuator applies changes where the
simulator's traffic goes."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tests.actuator.decisions import copy, pause, proposed, scale
from warroom.schemas.budget import Change
from warroom.sim.platform import SimulatedPlatform
from warroom.sim.traffic import Traffic

T0 = 1_700_000_000.0


def spend_events(traffic: Traffic, ticks: int = 40, n: int = 500) -> Counter[str]:
    """Events per campaign over ``ticks`` ticks of ``n`` base events."""
    seen: Counter[str] = Counter()
    for i in range(ticks):
        for event in traffic.tick(T0 + i, n).get("clicks", []):
            seen[event["campaign_id"]] += 1
    return seen


def test_a_paused_campaign_gets_no_more_traffic() -> None:
    platform = SimulatedPlatform()
    traffic = Traffic(7, platform=platform)
    assert spend_events(traffic, ticks=5)["8809"] > 0
    platform.apply(pause("campaign", "8809", "shop-1"))

    assert spend_events(traffic)["8809"] == 0


def test_a_scaled_campaign_gets_a_larger_share() -> None:
    platform = SimulatedPlatform()
    scaled = Traffic(7, platform=platform, playbook=False)  # no flash sale boosting 8800
    before = spend_events(Traffic(7, platform=SimulatedPlatform(), playbook=False), ticks=60)
    platform.apply(scale("8800", "shop-1", "3000", "9000"))
    after = spend_events(scaled, ticks=60)

    share_before = before["8800"] / sum(before.values())
    share_after = after["8800"] / sum(after.values())
    assert share_after > 2 * share_before


def test_a_copied_creative_runs_in_its_new_campaign() -> None:
    platform = SimulatedPlatform()
    traffic = Traffic(7, platform=platform)
    platform.apply(copy("cr-8800-1", "8800", "shop-1", "cp-abc"))
    events = [e for i in range(40) for e in traffic.tick(T0 + i, 500).get("clicks", [])]

    copied = [e for e in events if e["campaign_id"] == "cp-abc"]
    assert copied and {e["creative_id"] for e in copied} == {"cp-abc-0"}
    assert {e["product_id"] for e in copied} == {"SKU-101"}


def test_a_paused_creative_gets_no_traffic_but_its_campaign_still_runs() -> None:
    platform = SimulatedPlatform()
    traffic = Traffic(7, platform=platform)
    platform.apply(pause("creative", "cr-8801-0", "shop-1", "8801"))
    events = [e for i in range(40) for e in traffic.tick(T0 + i, 500).get("clicks", [])]

    creatives = Counter(e["creative_id"] for e in events if e["campaign_id"] == "8801")
    assert creatives["cr-8801-0"] == 0 and creatives["cr-8801-1"] > 0


def test_applying_a_decision_twice_changes_nothing() -> None:
    platform = SimulatedPlatform()
    scaled = scale("8800", "shop-1", "3000", "3600")

    assert platform.apply(scaled) is True
    platform.budgets["8800"] = Decimal(4000)  # changed since by something else
    assert platform.apply(scaled) is False
    assert platform.budget("8800") == Decimal(4000)


def test_a_revert_resumes_a_paused_campaign() -> None:
    platform = SimulatedPlatform()
    platform.apply(pause("campaign", "8809", "shop-1"))
    undo = proposed(
        "revert", "campaign", "8809", {"status": Change(before="paused", after="active")}, "shop-1"
    )

    platform.apply(undo)

    assert platform.running("campaign", "8809") and platform.share("8809") == 1.0
