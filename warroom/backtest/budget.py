"""Replay a budget rule over history: the engine's ``decide`` and its guardrails, for each
entity at the end of every minute of the window, as the worker's timer would.

The rule judges as if enforced (a shadow body's decisions are what it would have
done). A decision that would have been applied is remembered (cool-down, daily
limit); a pause stops the entity: what it spent and sold afterwards in the window is
the pause's impact (spend saved, orders and GMV forgone). A scale raises the budget
the next evaluations see. The kill switch is off. Pure: no clock, no client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from warroom.backtest.series import COUNTERS, MinuteSeries
from warroom.backtest.values import values_at
from warroom.rules.budget.engine import EntityState, RuleRef, decide, remember
from warroom.rules.budget.guardrails import History
from warroom.rules.condition.closures import Values
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.types import MONEY_UNITS

#: Skips the worker counts but does not emit (``agents.evaluate_budgets.QUIET``).
QUIET = frozenset({"cooldown", "daily_limit"})
#: The minutes the worker keeps per entity; their orders are its ``conversions``.
KEPT_MINUTES = 61
SPEND, ORDERS, GMV = (COUNTERS.index(n) for n in ("spend", "orders", "gmv"))


@dataclass
class BudgetOutcome:
    """What a budget rule would have done over the window, and what it would have saved."""

    decisions: list[BudgetDecision] = field(default_factory=list)
    evaluations: int = 0
    spend_saved: Decimal = Decimal(0)
    orders_forgone: int = 0
    gmv_forgone: Decimal = Decimal(0)

    def acted(self) -> list[BudgetDecision]:
        return [d for d in self.decisions if d.result == "proposed"]


def _enforced(rule: RuleRef) -> RuleRef:
    if rule.body.mode != "shadow":
        return rule
    return rule.model_copy(update={"body": rule.body.model_copy(update={"mode": "enforce"})})


def _values_then(series: MinuteSeries, entity: EntityState, condition: str, t: float) -> Values:
    """The values at ``t`` (what ``sustain_minutes`` looks back at)."""
    return values_at(series, int(t // 60), t, entity, condition)


def replay_entity(
    rule: RuleRef, entity: EntityState, series: MinuteSeries, start: int, end: int
) -> BudgetOutcome:
    """The rule on one entity at the end of every minute in [start, end) (epoch minutes)."""
    out, history = BudgetOutcome(), History()
    for minute in range(start, end):
        now = minute * 60 + 59.0
        conversions = int(series.total(minute - KEPT_MINUTES + 1, minute)[ORDERS])
        entity = entity.model_copy(update={"conversions": conversions})
        values = values_at(series, minute, now, entity, rule.body.condition)
        out.evaluations += 1
        earlier = partial(_values_then, series, entity, rule.body.condition)
        decision = decide(rule, entity, values, history, False, now, earlier)
        if decision is None:
            continue
        history = remember(history, decision)
        if _news(decision, out.decisions):
            out.decisions.append(decision)
        if decision.result == "proposed":
            entity = _applied(entity, decision)
            if entity.status != "active":
                _count_forgone(out, series, minute + 1, end - 1)
                break
    return out


def _news(decision: BudgetDecision, before: list[BudgetDecision]) -> bool:
    """As the worker emits them: every action; a skip when its reason changed, never the
    quiet skips (cool-down, daily limit) that follow an action."""
    if decision.result == "proposed":
        return True
    if decision.reason in QUIET:
        return False
    last = next((d for d in reversed(before) if d.entity_id == decision.entity_id), None)
    return last is None or (last.result, last.reason) != (decision.result, decision.reason)


def _applied(entity: EntityState, decision: BudgetDecision) -> EntityState:
    if decision.action == "pause":
        return entity.model_copy(update={"status": "paused"})
    if decision.action == "scale":
        budget = Decimal(str(decision.changes["daily_budget"].after))
        return entity.model_copy(update={"daily_budget": budget})
    return entity


def _count_forgone(out: BudgetOutcome, series: MinuteSeries, start: int, end: int) -> None:
    rest = series.total(start, end)
    out.spend_saved += Decimal(int(rest[SPEND])) / MONEY_UNITS
    out.orders_forgone += int(rest[ORDERS])
    out.gmv_forgone += Decimal(int(rest[GMV])) / MONEY_UNITS


def replay_budget(
    rule: RuleRef,
    entities: dict[str, EntityState],
    series: dict[str, MinuteSeries],
    start: int,
    end: int,
) -> BudgetOutcome:
    """The rule on every entity with history, minute by minute over [start, end)."""
    rule, total = _enforced(rule), BudgetOutcome()
    for entity_id in sorted(series.keys() & entities.keys()):
        one = replay_entity(rule, entities[entity_id], series[entity_id], start, end)
        total.decisions += one.decisions
        total.evaluations += one.evaluations
        total.spend_saved += one.spend_saved
        total.orders_forgone += one.orders_forgone
        total.gmv_forgone += one.gmv_forgone
    total.decisions.sort(key=lambda d: (d.decided_at, d.entity_id))
    return total
