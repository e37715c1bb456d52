"""The demo's ad platform: which campaigns and creatives run, on what daily budget, and
the copies made of winning creatives. The simulator reads it to decide where the traffic
goes (a paused campaign gets none; a campaign's share grows with its budget), and the
actuator's ``simulated`` adapter writes to it: the loop is closed.

Like a real ad platform it de-duplicates on the decision's idempotency key: applying a
decision twice changes nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal

from warroom.rules.budget.engine import copied_creative_id
from warroom.schemas.budget import BudgetDecision

#: The daily budget every simulated campaign starts with (the demo seeds it too).
START_BUDGET = Decimal(3000)


@dataclass(frozen=True, slots=True)
class Copy:
    """A campaign the platform created by copying ``creative_id`` of ``origin``."""

    campaign_id: str
    origin: str
    creative_id: str
    copied_from: str


@dataclass
class SimulatedPlatform:
    """Status and budget per campaign, status per creative (unknown ones run at the start
    budget), and the copies made; safe to read from the simulator's loop while the
    actuator writes (one lock)."""

    budgets: dict[str, Decimal] = field(default_factory=dict)
    paused: set[str] = field(default_factory=set)  # "campaign:8809", "creative:cr-1"
    copies: list[Copy] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def apply(self, decision: BudgetDecision) -> bool:
        """Carry out ``decision``; False when its key was applied before (nothing changes)."""
        with self._lock:
            if decision.key in self.applied:
                return False
            self.applied.add(decision.key)
            if decision.action == "copy":
                self._copy(decision)
            else:
                self._set(decision)
            return True

    def _set(self, decision: BudgetDecision) -> None:
        name = f"{decision.entity_kind}:{decision.entity_id}"
        for change_name, change in decision.changes.items():
            if change_name == "status" and change.after == "active":
                self.paused.discard(name)
            elif change_name == "status":
                self.paused.add(name)
            elif change_name == "daily_budget" and change.after is not None:
                self.budgets[decision.entity_id] = Decimal(change.after)

    def _copy(self, decision: BudgetDecision) -> None:
        campaign_id = str(decision.changes["copy_id"].after)
        budget = decision.changes["copy_daily_budget"].after
        self.budgets[campaign_id] = Decimal(budget or START_BUDGET)
        copy = Copy(
            campaign_id, decision.campaign_id, copied_creative_id(campaign_id), decision.entity_id
        )
        self.copies.append(copy)

    def running(self, kind: str, entity_id: str) -> bool:
        return f"{kind}:{entity_id}" not in self.paused

    def budget(self, campaign_id: str) -> Decimal:
        return self.budgets.get(campaign_id, START_BUDGET)

    def share(self, campaign_id: str) -> float:
        """A campaign's weight in the traffic: 0 when paused, else its budget relative to
        the start budget (a campaign scaled ×1.2 gets 1.2× the impressions)."""
        if not self.running("campaign", campaign_id):
            return 0.0
        return float(self.budget(campaign_id) / START_BUDGET)


#: The platform of this process: the simulator and the simulated adapter share it.
PLATFORM = SimulatedPlatform()
