"""The actuator's Prometheus metrics: every settled decision counted by action, result and
(for skips) reason, and timed from the decision to its result."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.actuator.decisions import pause, proposed
from tests.store.entities import World
from warroom.actuator.actuator import Actuator
from warroom.actuator.adapters import ActionFailed
from warroom.actuator.simulated import SimulatedAdapter
from warroom.schemas.budget import BudgetDecision, Change
from warroom.sim.platform import SimulatedPlatform
from warroom.store import switches
from warroom.store.db import Store


def actions(action: str, result: str, reason: str = "") -> float:
    labels = {"action": action, "result": result, "reason": reason}
    return REGISTRY.get_sample_value("warroom_actions_total", labels) or 0.0


def timed() -> float:
    return REGISTRY.get_sample_value("warroom_action_latency_seconds_count") or 0.0


class Refusing:
    """An ad platform that refuses every change."""

    async def apply(self, decision: BudgetDecision) -> None:
        raise ActionFailed("platform said 400: budget locked")


async def test_applied_skipped_and_failed_are_counted(store: Store, world: World) -> None:
    before = {
        "applied": actions("pause", "applied"),
        "killed": actions("pause", "skipped", "kill_switch"),
        "failed": actions("pause", "failed"),
        "timed": timed(),
    }
    act = Actuator(store, SimulatedAdapter(SimulatedPlatform()))
    assert (await act.handle(pause("campaign", world.campaign, world.shop))) is not None
    assert await act.handle(pause("campaign", world.campaign, world.shop)) is None  # again
    with store.session() as session:
        switches.flip(session, "tests", True, "incident")
    killed = await act.handle(pause("creative", world.creative, world.shop, world.campaign))
    with store.session() as session:
        switches.flip(session, "tests", False, "over")
    refused = Actuator(store, Refusing())
    change = {"status": Change(before="active", after="paused")}
    another = proposed(
        "pause", "creative", world.creative, change, world.shop, world.campaign, rule="budget.x"
    )
    failed = await refused.handle(another)

    assert killed is not None and killed.reason == "kill_switch"
    assert failed is not None and failed.result == "failed"
    assert actions("pause", "applied") == before["applied"] + 1  # the redelivery is not
    assert actions("pause", "skipped", "kill_switch") == before["killed"] + 1
    assert actions("pause", "failed") == before["failed"] + 1  # no reason label: free text
    assert timed() == before["timed"] + 3
