"""Replaying budget rules over minute history: a burner is paused when the rule would have
paused it, and what it spent and sold afterwards is the saving; the guardrails hold."""

from __future__ import annotations

from decimal import Decimal

from warroom.backtest.budget import replay_budget
from warroom.backtest.series import MinuteSeries
from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.engine import EntityState, RuleRef

START = 29_000_000
FAST_STOP = "spend_30m >= 2 * target_cpa and orders_30m == 0"
SPEND = 200_000  # ¥20 a minute, in 0.0001 CNY


def rule(condition: str = FAST_STOP, **guardrails: object) -> RuleRef:
    body = BudgetBody.model_validate(
        {
            "mode": "shadow",
            "condition": condition,
            "action": {"type": "pause"},
            "guardrails": {"learning_minutes": 0, **guardrails},
        }
    )
    return RuleRef(id="budget.fast_stop", version=3, body=body, scope="campaign")


def campaign(cid: str, target_cpa: str = "100", created_at: float = 0.0) -> EntityState:
    return EntityState(
        kind="campaign",
        id=cid,
        shop_id="s1",
        created_at=created_at,
        target_cpa=Decimal(target_cpa),
        daily_budget=Decimal(1000),
        budget_cap=Decimal(5000),
    )


def burner(minutes: int = 120) -> MinuteSeries:
    """¥20 a minute, no orders, except one order in the last 10 minutes."""
    rows = [(START + i, [100, 10, 5, SPEND, 0, 0]) for i in range(minutes)]
    rows[-5] = (START + minutes - 5, [100, 10, 5, SPEND, 1, 990_000])
    return MinuteSeries.of(rows)


def seller(minutes: int = 120) -> MinuteSeries:
    return MinuteSeries.of([(START + i, [100, 10, 5, SPEND, 1, 990_000]) for i in range(minutes)])


def test_the_burner_is_paused_and_the_rest_of_its_spend_is_saved() -> None:
    series = {"burn": burner(), "sell": seller()}
    entities = {"burn": campaign("burn"), "sell": campaign("sell")}
    out = replay_budget(rule(), entities, series, START, START + 120)
    [pause] = out.acted()
    assert (pause.entity_id, pause.action) == ("burn", "pause")
    paused_at = int(pause.decided_at.timestamp() // 60)
    assert paused_at == START + 9  # ¥200 = 2 × target CPA after 10 minutes without orders
    rest = series["burn"].total(paused_at + 1, START + 119)
    assert out.spend_saved == Decimal(int(rest[3])) / 10_000
    assert (out.orders_forgone, out.gmv_forgone) == (1, Decimal(99))
    assert out.evaluations == 10 + 120  # the paused burner is not judged again


def test_guardrails_hold_in_the_replay() -> None:
    young = {"burn": campaign("burn", created_at=START * 60 + 30 * 60)}  # created 30 min in
    out = replay_budget(rule(learning_minutes=60), young, {"burn": burner()}, START, START + 120)
    [pause] = out.acted()
    assert pause.decided_at.timestamp() >= START * 60 + 90 * 60  # not before 60 min of age
    learning = [d for d in out.decisions if d.reason == "learning"]
    assert learning and learning[0].decided_at < pause.decided_at
    stingy = replay_budget(
        rule(min_spend=10_000), {"burn": campaign("burn")}, {"burn": burner()}, START, START + 120
    )
    assert stingy.acted() == [] and stingy.spend_saved == 0


def test_a_stricter_condition_never_pauses_more() -> None:
    series = {"burn": burner(), "sell": seller()}
    entities = {"burn": campaign("burn"), "sell": campaign("sell")}
    loose = replay_budget(rule(), entities, series, START, START + 120)
    strict = replay_budget(
        rule("spend_30m >= 5 * target_cpa and orders_30m == 0"),
        entities,
        series,
        START,
        START + 120,
    )
    assert len(strict.acted()) <= len(loose.acted())
    assert strict.spend_saved < loose.spend_saved
