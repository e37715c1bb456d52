"""Money and orders under three budget policies on the same simulated market: no
automation, the 三快 rules judged every minute (warroom), and the same rules judged every
30 minutes (the ad platforms' cadence).

The rules are the playbook's (``warroom.rules.budget.playbook``, what ``warroom demo``
publishes), decided by the workers' own pure code: ``engine.decide`` with its guardrails,
``metrics.metric_values`` and ``ctr_rank_pct`` for what a condition reads, ``remember``
for cool-downs and daily limits, ``effects.apply_to`` and the simulated ad platform for
what an applied decision changes. Time is simulated: a day runs in seconds. The worker
judges every second on per-minute counters; here every simulated minute is the finest
step (the counters' resolution).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from warroom.evaluation.market import Tally, creative_minute, planned_spend
from warroom.rules.budget.effects import apply_to
from warroom.rules.budget.engine import EntityState, RuleRef, decide, remember
from warroom.rules.budget.guardrails import History
from warroom.rules.budget.metrics import (
    DayTotals,
    ctr_rank_pct,
    feed,
    local_day,
    metric_values,
    window_totals,
)
from warroom.rules.budget.playbook import PLAYBOOK
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.internal import CampaignMinute
from warroom.sim.calendar import ZONE
from warroom.sim.platform import START_BUDGET, SimulatedPlatform
from warroom.sim.world import Campaign, World

ZONE_NAME = str(ZONE)
#: Minutes of counters kept per entity (the longest window is 60 minutes).
KEEP = 61
#: What every simulated campaign is set up with (as ``warroom demo`` seeds them), beside
#: its buyer's targets (``Campaign.target_cpa``, ``target_roi``).
FIELDS = {"daily_budget": START_BUDGET, "budget_cap": Decimal(10_000), "bid": Decimal("1.00")}
POLICIES = {"none": None, "sankuai_1m": 1, "every_30m": 30}


def rules() -> list[RuleRef]:
    return [
        RuleRef(id=rule_id, version=1, body=play.body, scope=play.scope)
        for rule_id, play in PLAYBOOK.items()
    ]


def added(a: CampaignMinute, b: CampaignMinute) -> CampaignMinute:
    names = ("impressions", "plays", "completions", "clicks", "spend", "orders", "gmv")
    return a.model_copy(update={n: getattr(a, n) + getattr(b, n) for n in names})


@dataclass
class Totals:
    spend: float = 0.0
    wasted: float = 0.0
    gmv: float = 0.0
    orders: int = 0
    actions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    acted_on: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, camp: Campaign, tally: Tally) -> None:
        self.spend += tally.spend
        self.gmv += tally.gmv
        self.orders += tally.minute.orders
        if camp.true_roi < 1:
            self.wasted += tally.spend

    def report(self) -> dict[str, Any]:
        return {
            "spend": round(self.spend, 2),
            "wasted_spend": round(self.wasted, 2),
            "wasted_share": round(self.wasted / self.spend, 4) if self.spend else None,
            "gmv": round(self.gmv, 2),
            "orders": self.orders,
            "roi": round(self.gmv / self.spend, 3) if self.spend else None,
            "actions": dict(sorted(self.actions.items())),
            "acted_on": {k: sorted(set(v)) for k, v in sorted(self.acted_on.items())},
        }


class Books:
    """One policy's run: the platform, what the engine knows of each entity, the counters."""

    def __init__(self, world: World, seed: int, start: float) -> None:
        self.world, self.seed = world, seed
        self.platform = SimulatedPlatform()
        self.campaigns = {c.campaign_id: c for c in world.campaigns}
        self.states: dict[str, EntityState] = {}
        self.minutes: dict[str, list[CampaignMinute]] = defaultdict(list)
        self.days: dict[str, DayTotals] = {}
        self.spent_today: dict[tuple[str, date], float] = defaultdict(float)
        self.histories: dict[tuple[str, str], History] = {}
        self.totals = Totals()
        for camp in world.campaigns:
            self._open(camp, start - 7200, FIELDS["daily_budget"])

    def _open(self, camp: Campaign, created: float, budget: Decimal) -> None:
        targets = {
            "target_cpa": Decimal(str(camp.target_cpa)),
            "target_roi": Decimal(str(camp.target_roi)),
        }
        fields = {**FIELDS, **targets, "daily_budget": budget}
        base = {"shop_id": camp.shop_id, "created_at": created, "time_zone": ZONE_NAME, **fields}
        self.states[camp.campaign_id] = EntityState(kind="campaign", id=camp.campaign_id, **base)
        for creative in camp.creatives:
            self.states[creative] = EntityState(
                kind="creative", id=creative, campaign_id=camp.campaign_id, **base
            )

    def trade(self, ts: float) -> None:
        """One minute of the market at ``ts``."""
        day = local_day(ts, ZONE_NAME)
        for camp in list(self.campaigns.values()):
            state = self.states[camp.campaign_id]
            budget = float(self.platform.budget(camp.campaign_id))
            left = budget - self.spent_today[(camp.campaign_id, day)]
            running = [c for c in camp.creatives if self.states[c].status == "active"]
            if state.status != "active" or left <= 0 or not running:
                continue
            planned = planned_spend(budget, ts, self.world.sessions(camp.shop_id))
            spend = min(planned, left) / len(running)
            total = CampaignMinute(minute=int(ts // 60))
            for creative in running:
                tally = creative_minute(
                    self.seed, camp, creative, ts, spend, budget, self.world.flash_sales
                )
                self._count(creative, tally.minute)
                total = added(total, tally.minute)
                self.totals.add(camp, tally)
                self.spent_today[(camp.campaign_id, day)] += tally.spend
            self._count(camp.campaign_id, total)

    def _count(self, entity_id: str, minute: CampaignMinute) -> None:
        kept = self.minutes[entity_id]
        kept.append(minute)
        del kept[:-KEEP]
        self.days[entity_id] = feed(self.days.get(entity_id), minute, ZONE_NAME)

    def judge(self, refs: list[RuleRef], now: float) -> None:
        """Every rule on every active campaign and creative at ``now``; apply what they propose."""
        for entity_id, state in list(self.states.items()):
            if state.status != "active":
                continue
            values = self._values(state, now)
            for rule in refs:
                pair = (rule.id, entity_id)
                history = self.histories.get(pair, History())
                decision = decide(
                    rule, self.states[entity_id], values, history, False, now,
                    partial(self._values, state),
                )  # fmt: skip
                if decision is not None:
                    self.histories[pair] = remember(history, decision)
                    if decision.result == "proposed":
                        self._apply(decision, now)

    def _values(self, state: EntityState, now: float) -> dict[str, float | None]:
        minutes = self.minutes.get(state.id, [])
        entity = self.states[state.id]
        features = None
        if state.kind == "creative":
            siblings = self.campaigns[state.campaign].creatives
            ctrs = {c: window_totals(self.minutes.get(c, []), now, 60)["ctr"] for c in siblings}
            features = {"ctr_rank_pct": ctr_rank_pct(ctrs[state.id], ctrs.values())}
        fields = {**entity.fields(), "daily_budget": self.states[state.campaign].daily_budget}
        conversions = sum(m.orders for m in minutes)
        self.states[state.id] = entity.model_copy(update={"conversions": conversions})
        return metric_values(
            minutes, now, day=self.days.get(state.id), zone=ZONE_NAME, fields=fields,
            features=features,
        )  # fmt: skip

    def _apply(self, decision: BudgetDecision, now: float) -> None:
        """What the actuator would do: the entity changes, the ad platform follows."""
        self.totals.actions[decision.action] += 1
        self.totals.acted_on[decision.action].append(f"{decision.entity_kind}:{decision.entity_id}")
        self.platform.apply(decision)
        if decision.action == "copy":
            self._copy(decision, now)
            return
        state = self.states[decision.entity_id]
        self.states[decision.entity_id] = apply_to(state, decision)
        if decision.entity_kind == "campaign" and "status" in decision.changes:
            for creative in self.campaigns[decision.entity_id].creatives:
                paused = self.states[creative].model_copy(update={"status": "paused"})
                self.states[creative] = paused

    def _copy(self, decision: BudgetDecision, now: float) -> None:
        """The copied creative runs in a new campaign with its origin's economics."""
        made = self.platform.copies[-1]
        origin = self.campaigns[made.origin]
        ctr = origin.ctr_of(made.copied_from)
        camp = replace(
            origin, campaign_id=made.campaign_id, creatives=(made.creative_id,), creative_ctr=(ctr,)
        )
        self.campaigns[camp.campaign_id] = camp
        self._open(camp, now, self.platform.budget(camp.campaign_id))


def run_policy(world: World, seed: int, start: float, hours: float, every: int | None) -> Totals:
    """One policy over ``hours`` from ``start``: rules judged every ``every`` minutes
    (None: never)."""
    books, refs = Books(world, seed, start), rules()
    for m in range(int(hours * 60)):
        ts = start + 60 * m
        books.trade(ts)
        if every and (m + 1) % every == 0:
            books.judge(refs, ts + 59.999)
    return books.totals


def compare(world: World, seed: int, start: float, hours: float) -> dict[str, Any]:
    """The three policies side by side on the same market."""
    out = {
        name: run_policy(world, seed, start, hours, every).report()
        for name, every in POLICIES.items()
    }
    truth = {c.campaign_id: round(c.true_roi, 3) for c in world.campaigns}
    begun = datetime.fromtimestamp(start, ZONE).strftime("%H:%M")
    return {"hours": hours, "start": start, "from": begun, "policies": out, "true_roi": truth}
