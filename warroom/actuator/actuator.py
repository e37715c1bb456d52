"""Apply each budget decision once: check it against the store, carry it out through the
ad platform's adapter, and record the result.

What ``handle`` does with a decision:

- shadow, skipped, or already a result (an applied or failed decision coming back
  round the topic): logged the first time it is seen, nothing else;
- proposed, its key already settled: a redelivery, nothing happens (``duplicate``);
- proposed: ``skipped`` with the reason when the kill switch is on (reverts go ahead:
  a person asked for them), the entity is ``gone``, or it is ``stale`` (changed since
  the rule read it: the decision's "before" no longer holds); otherwise the adapter
  carries it out: ``failed`` with its error, or ``applied``, the store's changes (a
  status, a budget, a copied campaign) committed with the log entry.

The result goes back to the decisions topic, so the feed shows what happened. While
the SQL store is unreachable (a restart, a failover) each step waits and tries again
(``store/retry.py``): an outage delays an action, it never drops one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from warroom.actuator.adapters import ActionFailed, Adapter
from warroom.errors import WarroomError
from warroom.observability import metrics
from warroom.rules.budget.effects import why_not
from warroom.schemas.budget import BudgetDecision
from warroom.store import decisions, switches
from warroom.store.db import Store
from warroom.store.retry import until_answered
from warroom.streams import stats

Check = Literal["duplicate", "kill_switch", "gone", "stale"]


def actor_of(decision: BudgetDecision) -> str:
    """Who the audit names for the changes a decision makes."""
    return decision.requested_by or f"rule:{decision.rule_id}@v{decision.rule_version}"


@dataclass
class Actuator:
    store: Store
    adapter: Adapter

    async def handle(self, decision: BudgetDecision) -> BudgetDecision | None:
        """The decision with its result, or None when there is nothing new to report."""
        if decision.result != "proposed" or decision.mode == "shadow":
            await until_answered(lambda: self._note(decision), "actuator")
            return None
        check = await until_answered(lambda: self._check(decision), "actuator")
        if check == "duplicate":
            stats.count("actions.duplicate")
            return None
        if check is not None:
            return await self._settle(decision.with_result("skipped", check))
        try:
            await self.adapter.apply(decision)
        except ActionFailed as exc:
            return await self._settle(decision.with_result("failed", str(exc)))
        return await self._settle(decision.with_result("applied"))

    def _note(self, decision: BudgetDecision) -> None:
        with self.store.session() as session:
            if decisions.logged(session, decision.key) is None:
                decisions.log(session, decision)

    def _check(self, decision: BudgetDecision) -> Check | None:
        with self.store.session() as session:
            row = decisions.logged(session, decision.key)
            if row is not None and row.result in decisions.SETTLED:
                return "duplicate"
            if decision.action != "revert" and switches.current(session)["on"]:
                return "kill_switch"
            entity = decisions.entity_state(session, decision.entity_kind, decision.entity_id)
            if entity is None:
                return "gone"
            return "stale" if why_not(entity, decision) == "stale" else None

    async def _settle(self, decision: BudgetDecision) -> BudgetDecision:
        try:
            await until_answered(lambda: self._record(decision), "actuator")
        except WarroomError as exc:  # the platform acted but the store refused the change
            failed = decision.with_result("failed", f"store: {exc}")
            await until_answered(lambda: self._record(failed), "actuator")
            decision = failed
        stats.count(f"actions.{decision.result}")
        metrics.action(decision)
        return decision

    def _record(self, decision: BudgetDecision) -> None:
        with self.store.session() as session:
            if decision.result == "applied":
                decisions.apply_changes(session, decision, actor_of(decision))
            decisions.log(session, decision)
