"""The budget evaluation looks again at the campaigns with new activity a moment after it
is counted, and only at them; the full pass still judges every campaign."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.actuator.decisions import pause
from warroom.agents import evaluate_budgets as ev
from warroom.agents.count_campaigns import counters
from warroom.rules.budget.body import BudgetBody
from warroom.rules.rulebook import RuleVersion, rulebook
from warroom.schemas.control import EntityChanged
from warroom.schemas.internal import Activity
from warroom.store import decisions
from warroom.store.shared import close_shared, open_shared
from warroom.streams.budget_states import shop_zone
from warroom.streams.entities import entities

RULE = "budget.test_burners"
CREATED = "2024-01-01T00:00:00+00:00"
BURNING = "spend_30m >= 2 * target_cpa and orders_30m == 0"


def publish(version: int, condition: str, cooldown_s: int) -> None:
    """An enforce-mode pause rule of the test shop, live on this worker."""
    body = BudgetBody.model_validate(
        {
            "mode": "enforce",
            "condition": condition,
            "action": {"type": "pause"},
            "guardrails": {"learning_minutes": 0, "cooldown_s": cooldown_s},
        }
    )
    rulebook._current[RULE] = RuleVersion(RULE, version, "enforce", body, "campaign", "eb-shop")


@pytest.fixture
def burners() -> Iterator[list[str]]:
    """Three campaigns (their shop and a pause rule) known to the worker; forgotten after."""
    run = f"{time.monotonic_ns()}"
    ids = [f"eb-{run}-{n}" for n in range(3)]
    entities.apply(EntityChanged(kind="shop", id="eb-shop", data={"time_zone": "Asia/Shanghai"}))
    for campaign_id in ids:
        data = {
            "shop_id": "eb-shop",
            "status": "active",
            "created_at": CREATED,
            "daily_budget": "100",
            "budget_cap": "500",
            "target_cpa": "10",
            "target_roi": "2",
            "bid": "1",
        }
        entities.apply(EntityChanged(kind="campaign", id=campaign_id, data=data))
    before = dict(rulebook._current)
    publish(1, BURNING, cooldown_s=0)
    counters.take_touched()
    yield ids
    rulebook._current.clear()
    rulebook._current.update(before)
    for campaign_id in ids:
        entities.apply(EntityChanged(kind="campaign", id=campaign_id, data=None))


def spend(campaign_id: str, now: float, yuan: int) -> None:
    activity = Activity(
        campaign_id=campaign_id,
        creative_id=None,
        shop_id="eb-shop",
        ts=now,
        kind="impression",
        spend=yuan * 10_000,
    )
    counters.add(activity, now=now)


def test_only_the_campaigns_with_new_activity_are_looked_at_again(burners: list[str]) -> None:
    now = time.time()
    first, second, quiet = burners
    spend(quiet, now, 30)  # burning before the pass below
    counters.take_touched()
    spend(first, now, 30)
    spend(second, now, 30)

    touched = counters.take_touched()
    decisions = ev.evaluate(now, touched)

    assert touched == {first, second} and counters.take_touched() == set()
    assert sorted(d.entity_id for d in decisions) == [first, second]
    assert {(d.action, d.result) for d in decisions} == {("pause", "proposed")}
    later = ev.evaluate(now)  # the full pass: the quiet campaign too, the others once only
    assert [d.entity_id for d in later] == [quiet]


def test_a_rule_on_today_sees_the_shop_local_day(burners: list[str]) -> None:
    now = time.time()
    publish(2, "spend_today >= 25 and orders_today == 0", cooldown_s=0)
    first, second, _ = burners
    spend(first, now, 30)
    spend(second, now, 10)
    counters.days.fold(shop_zone)  # what the counting agent does after every batch

    decisions = ev.evaluate(now, counters.take_touched())

    assert [(d.entity_id, d.observed["spend_today"]) for d in decisions] == [(first, 30.0)]


async def test_a_restarted_worker_keeps_the_cool_down_of_what_it_did(
    burners: list[str], tmp_path: Path
) -> None:
    publish(1, BURNING, cooldown_s=1800)
    first, second, _ = burners
    earlier = pause("campaign", first, "eb-shop").model_copy(
        update={"rule_id": RULE, "decided_at": datetime.now(UTC) - timedelta(minutes=5)}
    )
    store = open_shared(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        with store.session() as session:
            decisions.log(session, earlier.with_result("applied"))
        await ev.load_histories()  # what the worker does when it starts
    finally:
        close_shared()
    now = time.time()
    spend(first, now, 30)
    spend(second, now, 30)

    judged = ev.evaluate(now, counters.take_touched())

    assert [d.entity_id for d in judged] == [second]  # the first is in its cool-down
