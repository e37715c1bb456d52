"""The engine: when a rule decides, the key, the three actions, shadow, the kill switch,
applying once, and reverting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from warroom.errors import InvalidEntity
from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.effects import apply_to, revert, why_not
from warroom.rules.budget.engine import EntityState, RuleRef, copy_id, decide, remember
from warroom.rules.budget.guardrails import History
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.budget import BudgetDecision

NOW = 1_731_326_435.0  # 2024-11-11 12:00:35 UTC
KEY = "budget.stop_burners@v3|campaign:8812|2024-11-11T12:00Z"
BURNING = {"spend_30m": 620.0, "orders_30m": 0, "target_cpa": 300.0}
WINNING = {"roi_15m": 3.1, "orders_15m": 6, "target_roi": 2.5}
OPEN = {"learning_minutes": 0, "cooldown_s": 1800, "max_actions_per_day": 3}


def rule(
    action: dict[str, Any] | None = None,
    condition: str = "spend_30m >= 2 * target_cpa and orders_30m == 0",
    mode: str = "enforce",
    version: int = 3,
    **guardrails: Any,
) -> RuleRef:
    body = BudgetBody.model_validate(
        {
            "mode": mode,
            "condition": condition,
            "action": action or {"type": "pause"},
            "guardrails": OPEN | guardrails,
        }
    )
    return RuleRef(id="budget.stop_burners", version=version, body=body)


SCALE = {"type": "scale", "factor": 1.2}
COPY = {"type": "copy", "initial_budget": "500.00"}
WINNERS = "roi_15m >= 1.2 * target_roi and orders_15m >= 5"


def campaign(**overrides: Any) -> EntityState:
    fields: dict[str, Any] = {
        "kind": "campaign",
        "id": "8812",
        "shop_id": "s1",
        "daily_budget": Decimal("3000.00"),
        "budget_cap": Decimal("10000.00"),
        "created_at": NOW - 86_400,
        "conversions": 120,
        "match_score": 60.0,
    }
    return EntityState(**(fields | overrides))


def creative(**overrides: Any) -> EntityState:
    fields = {"kind": "creative", "id": "cr-9001", "campaign_id": "8812"}
    return campaign(**(fields | overrides))


def decided(
    r: RuleRef | None = None,
    entity: EntityState | None = None,
    values: dict[str, Any] | None = None,
    history: History | None = None,
    kill_switch: bool = False,
    now: float = NOW,
) -> BudgetDecision:
    d = decide(
        r or rule(), entity or campaign(), values or BURNING, history or History(), kill_switch, now
    )
    assert d is not None
    return d


def test_a_fast_stop_is_proposed_with_everything_that_explains_it() -> None:
    d = decided()

    assert d.key == KEY
    assert (d.action, d.mode, d.result, d.reason) == ("pause", "enforce", "proposed", None)
    assert d.changes["status"].model_dump() == {"before": "active", "after": "paused"}
    assert d.observed == {"spend_30m": 620.0, "target_cpa": 300.0, "orders_30m": 0}
    assert d.thresholds["condition"] == "spend_30m >= 2 * target_cpa and orders_30m == 0"
    assert d.thresholds["guardrails"]["cooldown_s"] == 1800
    assert d.guardrails["clear"] is True
    assert d.entities == ["campaign:8812", "shop:s1"]
    assert d.line() == (
        "PAUSE campaign 8812 (shop s1): spend ¥620.00 in 30 min, 0 orders | budget.stop_burners v3"
    )


@pytest.mark.parametrize(
    ("case", "r", "entity", "values"),
    [
        ("condition false", rule(), campaign(), BURNING | {"orders_30m": 1}),
        ("condition unknown: no target CPA", rule(), campaign(), BURNING | {"target_cpa": None}),
        ("rule off", rule(mode="off"), campaign(), BURNING),
        ("entity already paused", rule(), campaign(status="paused"), BURNING),
        ("entity ended", rule(), campaign(status="ended"), BURNING),
        ("scale does not fit a creative", rule(SCALE, WINNERS), creative(), WINNING),
        ("copy does not fit a campaign", rule(COPY, WINNERS), campaign(), WINNING),
        ("scale without a budget", rule(SCALE, WINNERS), campaign(daily_budget=None), WINNING),
        ("scale without a cap", rule(SCALE, WINNERS), campaign(budget_cap=None), WINNING),
        (
            "rule scoped to creatives",
            rule().model_copy(update={"scope": "creative"}),
            campaign(),
            BURNING,
        ),
    ],
)
def test_nothing_to_decide(
    case: str, r: RuleRef, entity: EntityState, values: dict[str, Any]
) -> None:
    assert decide(r, entity, values, History(), False, NOW) is None, case


def test_the_key_is_rule_version_entity_and_minute() -> None:
    first = decided(now=NOW - 35)
    same_minute = decided(now=NOW + 24.9)
    next_minute = decided(now=NOW + 25)
    next_version = decided(rule(version=4))

    assert first.key == same_minute.key == KEY
    assert next_minute.key == "budget.stop_burners@v3|campaign:8812|2024-11-11T12:01Z"
    assert next_version.key == "budget.stop_burners@v4|campaign:8812|2024-11-11T12:00Z"
    assert first.id == same_minute.id != next_minute.id


def test_evaluating_again_in_the_same_minute_after_recording_gives_the_same_decision() -> None:
    d = decided()
    history = remember(History(), d)

    again = decided(history=history, now=NOW + 10)
    next_minute = decided(history=history, now=NOW + 60)

    assert (again.key, again.result) == (d.key, "proposed")
    assert (next_minute.result, next_minute.reason) == ("skipped", "cooldown")


@pytest.mark.parametrize(
    ("budget", "cap", "factor", "after"),
    [
        ("3000.00", "10000.00", 1.2, "3600.00"),
        ("9000.00", "10000.00", 1.2, "10000.00"),  # never above the cap
        ("9999.99", "10000.00", 3, "10000.00"),
        ("100.01", "1000", 1.5, "150.02"),  # 150.015: rounded up to the fen
        ("0.01", "1", 1.2, "0.02"),
    ],
)
def test_scale_multiplies_the_budget_up_to_the_cap(
    budget: str, cap: str, factor: float, after: str
) -> None:
    entity = campaign(daily_budget=Decimal(budget), budget_cap=Decimal(cap))

    d = decided(rule({"type": "scale", "factor": factor}, WINNERS), entity, WINNING)

    assert d.result == "proposed"
    assert d.changes["daily_budget"].before == budget
    assert d.changes["daily_budget"].after == after


@pytest.mark.parametrize(
    ("budget", "cap"), [("10000.00", "10000.00"), ("10000", "10000.00"), ("12000", "10000")]
)
def test_scale_at_or_above_the_cap_is_skipped_and_changes_nothing(budget: str, cap: str) -> None:
    entity = campaign(daily_budget=Decimal(budget), budget_cap=Decimal(cap))

    d = decided(rule(SCALE, WINNERS), entity, WINNING)

    assert (d.result, d.reason, d.changes) == ("skipped", "cap_reached", {})
    assert d.guardrails["checks"]["cap_reached"] == {"daily_budget": budget, "budget_cap": cap}
    assert apply_to(entity, d) == entity


def test_copy_proposes_a_new_campaign_with_its_initial_budget() -> None:
    d = decided(rule(COPY, WINNERS), creative(), WINNING)

    assert d.action == "copy"
    assert d.campaign_id == "8812"
    new = d.changes["copy_id"].after
    assert new == copy_id(d.key)
    assert new is not None
    assert new.startswith("cp-")
    assert d.changes["copy_daily_budget"].after == "500.00"
    assert d.entities == ["creative:cr-9001", "campaign:8812", f"campaign:{new}", "shop:s1"]
    assert d.line().startswith("COPY creative cr-9001 (shop s1): ROI 3.10 in 15 min, 6 orders")
    assert d.line().endswith(f"copy into campaign {new} at ¥500.00 | budget.stop_burners v3")


def test_a_creative_can_be_paused() -> None:
    d = decided(entity=creative())

    assert d.entities == ["creative:cr-9001", "campaign:8812", "shop:s1"]
    assert apply_to(creative(), d).status == "paused"


@pytest.mark.parametrize(
    ("r", "values"), [(rule(mode="shadow"), BURNING), (rule(SCALE, WINNERS, "shadow"), WINNING)]
)
def test_shadow_mode_decides_and_records_but_proposes_nothing(
    r: RuleRef, values: dict[str, Any]
) -> None:
    d = decided(r, values=values)

    assert (d.mode, d.result, d.reason) == ("shadow", "skipped", "shadow")
    assert d.changes  # what it would have done
    assert d.line().startswith(f"{d.action.upper()} (shadow) campaign 8812")
    assert why_not(campaign(), d) == "not_actionable"
    assert apply_to(campaign(), d) == campaign()


def test_shadow_reports_the_guardrail_that_would_have_blocked() -> None:
    history = History().record(NOW - 60, "earlier")

    d = decided(rule(mode="shadow"), history=history)

    assert (d.result, d.reason) == ("skipped", "cooldown")


def test_shadow_decisions_count_in_the_history_like_applied_ones() -> None:
    shadow = decided(rule(mode="shadow"))
    cooled = decided(rule(), history=History().record(NOW - 60, "x"))

    assert remember(History(), shadow).entries == ((NOW, shadow.key),)
    assert remember(History(), cooled) == History()


@pytest.mark.parametrize(
    ("r", "entity", "values"),
    [
        (rule(), campaign(), BURNING),
        (rule(SCALE, WINNERS), campaign(), WINNING),
        (rule(COPY, WINNERS), creative(), WINNING),
        (rule(mode="shadow"), campaign(), BURNING),
    ],
)
def test_the_kill_switch_skips_every_action(
    r: RuleRef, entity: EntityState, values: dict[str, Any]
) -> None:
    d = decided(r, entity, values, kill_switch=True)

    assert (d.result, d.reason) == ("skipped", "kill_switch")
    assert d.line().endswith("| skipped: kill_switch")
    assert apply_to(entity, d) == entity


def test_learning_phase_protects_a_new_campaign() -> None:
    young = campaign(created_at=NOW - 600)

    d = decided(rule(learning_minutes=30), young)

    assert (d.result, d.reason) == ("skipped", "learning")
    assert d.guardrails["checks"]["learning"] == {"age_min": 10.0, "learning_minutes": 30}


def test_applying_the_same_decision_twice_changes_nothing() -> None:
    entity = campaign()
    d = decided(rule(SCALE, WINNERS), entity, WINNING)

    once = apply_to(entity, d)
    twice = apply_to(once, d)

    assert once.daily_budget == Decimal("3600.00")
    assert once.applied == (d.key,)
    assert twice == once
    assert why_not(once, d) == "duplicate"


def test_a_decision_on_values_that_changed_since_is_stale() -> None:
    d = decided(rule(SCALE, WINNERS), campaign(), WINNING)
    edited = campaign(daily_budget=Decimal("5000.00"))  # the buyer changed it meanwhile

    assert why_not(edited, d) == "stale"
    assert apply_to(edited, d) == edited


def test_an_older_decision_delivered_late_does_not_undo_a_newer_one() -> None:
    entity = campaign()
    first = decided(rule(SCALE, WINNERS), entity, WINNING)
    entity = apply_to(entity, first)
    second = decided(rule(SCALE, WINNERS), entity, WINNING, now=NOW + 3600)
    entity = apply_to(entity, second)

    assert apply_to(entity.model_copy(update={"applied": ()}), first).daily_budget == Decimal(
        "4320.00"
    )


def test_a_decision_for_another_entity_does_not_apply() -> None:
    d = decided()

    assert why_not(creative(), d) == "other_entity"
    assert apply_to(creative(), d) == creative()


def test_revert_restores_the_status_and_is_itself_a_decision() -> None:
    d = decided()
    paused = apply_to(campaign(), d)

    back = revert(d, paused, NOW + 400)

    assert back is not None
    assert (back.action, back.key, back.reverts) == ("revert", f"revert|{KEY}", KEY)
    assert back.changes["status"].model_dump() == {"before": "paused", "after": "active"}
    assert back.line() == (
        "REVERT campaign 8812 (shop s1): status paused → active | budget.stop_burners v3"
    )
    restored = apply_to(paused, back)
    assert restored.status == "active"
    assert apply_to(restored, back) == restored
    assert apply_to(restored, d) == restored  # a redelivered pause stays undone


def test_revert_restores_the_budget() -> None:
    d = decided(rule(SCALE, WINNERS), campaign(), WINNING)
    scaled = apply_to(campaign(), d)

    back = revert(d, scaled, NOW + 400)

    assert back is not None
    assert back.changes["daily_budget"].model_dump() == {"before": "3600.00", "after": "3000.00"}
    assert "budget ¥3,600.00 → ¥3,000.00" in back.line()
    assert apply_to(scaled, back).daily_budget == Decimal("3000.00")


def test_revert_of_a_copy_pauses_the_copied_campaign() -> None:
    d = decided(rule(COPY, WINNERS), creative(), WINNING)
    new = d.changes["copy_id"].after
    assert new is not None
    copy = campaign(id=new)

    back = revert(d, copy, NOW + 400)

    assert back is not None
    assert (back.entity_kind, back.entity_id) == ("campaign", new)
    assert apply_to(copy, back).status == "paused"


def test_nothing_to_revert() -> None:
    d = decided()

    assert revert(decided(rule(mode="shadow")), campaign(), NOW) is None
    assert revert(d, campaign(status="active"), NOW) is None  # never applied: nothing to restore
    with pytest.raises(InvalidEntity):
        revert(d, creative(), NOW)


def test_rule_ref_from_a_published_rule_version() -> None:
    body = rule().body

    r = RuleRef.of(RuleVersion("budget.stop_burners", 3, "enforce", body), scope="campaign")

    assert (r.id, r.version, r.scope, r.body) == ("budget.stop_burners", 3, "campaign", body)


def test_the_record_round_trips_through_json() -> None:
    d = decided()

    again = BudgetDecision.model_validate_json(d.model_dump_json())

    assert again == d
    assert again.id == d.id
    assert again.with_result("applied").result == "applied"
    assert d.with_result("failed", "HTTP 503").line().endswith("| failed: HTTP 503")


def test_a_shop_rule_judges_only_its_shop() -> None:
    mine = rule().model_copy(update={"shop_id": "s1"})

    assert decide(mine, campaign(), BURNING, History(), False, NOW) is not None
    assert decide(mine, campaign(shop_id="s2"), BURNING, History(), False, NOW) is None


def test_a_published_shop_rule_keeps_its_shop_on_the_worker() -> None:
    version = RuleVersion("budget.mine", 2, "enforce", rule().body, "campaign", "s1")

    assert RuleRef.of(version, "campaign").shop_id == "s1"
