"""The actuator applies a budget decision once, through the adapter, and records it:
the store's campaign changes (audited, announced), the ad platform changes, the
decision log has the result; a redelivery, a stale or a killed decision changes nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.actuator.decisions import copy, pause, proposed, scale
from tests.store.entities import World
from warroom.actuator.actuator import Actuator
from warroom.actuator.simulated import SimulatedAdapter
from warroom.rules.budget.effects import revert
from warroom.schemas.budget import Change
from warroom.sim.platform import SimulatedPlatform
from warroom.store import decisions, switches
from warroom.store.db import Store
from warroom.store.models import AuditEntry, Campaign, Creative, DecisionRecord


def actuator(store: Store) -> tuple[Actuator, SimulatedPlatform]:
    platform = SimulatedPlatform()
    return Actuator(store, SimulatedAdapter(platform)), platform


def campaign(store: Store, campaign_id: str) -> Campaign:
    with store.session() as session:
        row = session.get(Campaign, campaign_id)
        assert row is not None
        return row


def logged(store: Store, key: str) -> DecisionRecord | None:
    with store.session() as session:
        return decisions.logged(session, key)


async def test_a_pause_is_applied_on_the_platform_and_in_the_store(
    store: Store, world: World
) -> None:
    act, platform = actuator(store)

    result = await act.handle(pause("campaign", world.campaign, world.shop))

    assert result is not None and result.result == "applied"
    assert campaign(store, world.campaign).status == "paused"
    assert not platform.running("campaign", world.campaign)
    row = logged(store, result.key)
    assert row is not None and row.result == "applied" and row.record["observed"]["spend_30m"]
    with store.session() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.resource_id == world.campaign)
        ).all()
    assert audit[-1].actor == "rule:budget.test@v1" and audit[-1].after["status"] == "paused"


async def test_a_decision_delivered_twice_scales_the_budget_once(
    store: Store, world: World
) -> None:
    act, platform = actuator(store)
    decision = scale(world.campaign, world.shop, "3000", "3600.00")

    first = await act.handle(decision)
    second = await act.handle(decision)

    assert first is not None and first.result == "applied" and second is None
    assert campaign(store, world.campaign).daily_budget == Decimal("3600")
    assert platform.budget(world.campaign) == Decimal("3600")


async def test_a_stale_decision_is_skipped(store: Store, world: World) -> None:
    act, platform = actuator(store)
    await act.handle(scale(world.campaign, world.shop, "3000", "3600.00"))
    platform.budgets[world.campaign] = Decimal(3000)  # would show a second scale
    late = proposed(
        "scale",
        "campaign",
        world.campaign,
        {"daily_budget": Change(before="3000", after="3600.00")},
        world.shop,
        rule="budget.other",
    )

    result = await act.handle(late)

    assert result is not None and (result.result, result.reason) == ("skipped", "stale")
    assert campaign(store, world.campaign).daily_budget == Decimal("3600")
    assert platform.budget(world.campaign) == Decimal(3000)  # the adapter was not called


async def test_nothing_is_applied_while_the_kill_switch_is_on_but_a_revert_is(
    store: Store, world: World
) -> None:
    act, platform = actuator(store)
    applied = await act.handle(pause("campaign", world.campaign, world.shop))
    with store.session() as session:
        switches.flip(session, "wk_admin", True, "incident 42")
        undo = revert(applied, decisions.entity_state(session, "campaign", world.campaign), 0)  # type: ignore[arg-type]

    killed = await act.handle(pause("creative", world.creative, world.shop, world.campaign))
    reverted = await act.handle(undo.model_copy(update={"requested_by": "wk_buyer"}))  # type: ignore[union-attr]

    assert killed is not None and (killed.result, killed.reason) == ("skipped", "kill_switch")
    assert reverted is not None and reverted.result == "applied"
    assert campaign(store, world.campaign).status == "active"
    assert platform.running("campaign", world.campaign)
    original = logged(store, applied.key)  # type: ignore[union-attr]
    assert original is not None and original.reverted_by == reverted.key


async def test_a_copy_creates_one_linked_campaign_however_often_it_is_delivered(
    store: Store, world: World
) -> None:
    act, platform = actuator(store)
    decision = copy(world.creative, world.campaign, world.shop, "cp-test-1")

    results = [await act.handle(decision) for _ in range(3)]

    assert [r.result if r else None for r in results] == ["applied", None, None]
    with store.session() as session:
        new = session.get(Campaign, "cp-test-1")
        clone = session.get(Creative, "cp-test-1-0")
        assert new is not None and clone is not None
        assert new.origin_campaign_id == world.campaign and new.daily_budget == Decimal("500")
        assert (clone.campaign_id, clone.product_id) == ("cp-test-1", world.product)
    assert [c.campaign_id for c in platform.copies] == ["cp-test-1"]


async def test_a_shadow_decision_is_logged_and_changes_nothing(store: Store, world: World) -> None:
    act, platform = actuator(store)
    shadow = pause("campaign", world.campaign, world.shop).model_copy(
        update={"mode": "shadow", "result": "skipped", "reason": "shadow"}
    )

    assert await act.handle(shadow) is None
    assert campaign(store, world.campaign).status == "active"
    assert platform.running("campaign", world.campaign)
    row = logged(store, shadow.key)
    assert row is not None and (row.mode, row.result) == ("shadow", "skipped")


async def test_a_decision_on_an_entity_that_is_gone_is_skipped(store: Store, world: World) -> None:
    act, _ = actuator(store)

    result = await act.handle(pause("campaign", "no-such-campaign", world.shop))

    assert result is not None and (result.result, result.reason) == ("skipped", "gone")
