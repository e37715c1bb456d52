"""Judge every counted campaign with the live budget rules, on a wall-clock timer (so
"spend with no orders" fires even when no order ever comes), and emit each decision once.

Decisions go to the decisions topic and the live feed. There is no actuator yet: an
enforce-mode decision is ``proposed``, nothing is applied (issue 4's next step).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from warroom.agents.count_campaigns import counters
from warroom.app import app
from warroom.rules.budget.engine import EntityState, RuleRef, decide, remember
from warroom.rules.budget.guardrails import History
from warroom.rules.budget.metrics import metric_values
from warroom.rules.rulebook import rulebook
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.internal import CampaignMinute
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.entities import entities
from warroom.streams.send import send_envelopes

_s = get_settings()
#: Per (rule, campaign): when the rule acted (guardrails' cool-down and daily limit).
histories: dict[tuple[str, str], History] = {}
#: Per (rule, campaign): the last outcome emitted, so a repeated skip is not re-emitted.
last_outcome: dict[tuple[str, str], tuple[str, str | None]] = {}
#: Decision keys emitted lately (a key repeats within its minute).
emitted: OrderedDict[str, None] = OrderedDict()
KEYS_KEPT = 100_000


def utc(iso: str) -> datetime:
    """A stored time (SQLite hands back times without their zone, which is UTC)."""
    at = datetime.fromisoformat(iso)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def campaign_state(campaign_id: str, minutes: list[CampaignMinute]) -> EntityState | None:
    """What the engine needs of a campaign: the store's fields (from the control topic)."""
    data = entities.get("campaign", campaign_id)
    if data is None:
        return None
    shop: dict[str, Any] = entities.get("shop", data["shop_id"]) or {}
    return EntityState(
        kind="campaign",
        id=campaign_id,
        shop_id=data["shop_id"],
        status=data["status"],
        daily_budget=data.get("daily_budget"),
        budget_cap=data.get("budget_cap"),
        target_cpa=data.get("target_cpa"),
        target_roi=data.get("target_roi"),
        bid=data.get("bid"),
        created_at=utc(data["created_at"]).timestamp(),
        conversions=sum(m.orders for m in minutes),
        time_zone=shop.get("time_zone") or "Asia/Shanghai",
    )


#: Skips that only say "this rule acted lately": counted, not shown.
QUIET = frozenset({"cooldown", "daily_limit"})


def is_news(decision: BudgetDecision) -> bool:
    """Emit a decision once per key, a skip only when its reason changed, and never the
    quiet skips that follow an action already reported."""
    if decision.result == "skipped" and decision.reason in QUIET:
        stats.count(f"decisions.quiet.{decision.reason}")
        return False
    pair = (decision.rule_id, decision.entity_id)
    outcome = (decision.result, decision.reason)
    if decision.key in emitted or (
        decision.result == "skipped" and last_outcome.get(pair) == outcome
    ):
        return False
    emitted[decision.key] = None
    if len(emitted) > KEYS_KEPT:
        emitted.popitem(last=False)
    last_outcome[pair] = outcome
    return True


def evaluate(now: float) -> list[BudgetDecision]:
    """The new decisions of every campaign rule on every counted campaign at ``now``."""
    rules = [RuleRef.of(v, "campaign") for v in rulebook.budget_rules("campaign")]
    out: list[BudgetDecision] = []
    for campaign_id in counters.campaigns() if rules else []:
        minutes = counters.minutes(campaign_id)
        entity = campaign_state(campaign_id, minutes)
        if entity is None:
            continue
        values = metric_values(
            minutes, now, day=None, zone=entity.time_zone, fields=entity.fields()
        )
        for rule in rules:
            pair = (rule.id, campaign_id)
            decision = decide(rule, entity, values, histories.get(pair, History()), False, now)
            if decision is not None and is_news(decision):
                histories[pair] = remember(histories.get(pair, History()), decision)
                out.append(decision)
    return out


@app.timer(_s.flush_interval_s)
async def evaluate_budgets() -> None:
    decisions = evaluate(time.time())
    stats.count("decisions", len(decisions))
    await send_envelopes(topics.decisions, decisions, key=lambda d: d.shop_id)
