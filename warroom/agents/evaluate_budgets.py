"""Judge the counted campaigns and creatives with the live budget rules and emit each
decision once: those with new activity a moment after it is counted (every
``evaluate_interval_s``), and every one of them on a wall-clock timer (so "spend with no
orders" fires even when no order ever comes). A creative is also judged on
``ctr_rank_pct``, its CTR's rank among the counted creatives of its campaign.

Decisions go to the decisions topic and the live feed; the actuator (``apply_decisions``)
applies the enforce-mode ones that are ``proposed``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from warroom.agents.count_campaigns import counters, creatives
from warroom.app import app
from warroom.errors import WarroomError
from warroom.observability import metrics
from warroom.rules.budget.engine import EntityState, RuleRef, decide, remember
from warroom.rules.budget.guardrails import History
from warroom.rules.budget.metrics import ctr_rank_pct, metric_values, window_totals
from warroom.rules.condition.closures import Values
from warroom.rules.rulebook import rulebook
from warroom.schemas.budget import BudgetDecision
from warroom.settings import get_settings
from warroom.store import decisions
from warroom.store.retry import until_answered
from warroom.store.shared import shared
from warroom.streams import stats, topics
from warroom.streams.budget_states import campaign_state, creative_state
from warroom.streams.entities import budget_switch
from warroom.streams.send import send_envelopes

_s = get_settings()
#: Per (rule, entity): when the rule acted (guardrails' cool-down and daily limit).
histories: dict[tuple[str, str], History] = {}
#: Per (rule, entity): the last outcome emitted, so a repeated skip is not re-emitted.
last_outcome: dict[tuple[str, str], tuple[str, str | None]] = {}
#: Decision keys emitted lately (a key repeats within its minute).
emitted: OrderedDict[str, None] = OrderedDict()
KEYS_KEPT = 100_000
#: The window (minutes) over which a creative's CTR is ranked in its campaign.
RANK_MINUTES = 60
#: How far back a restarted worker recalls actions: the longest cool-down a rule may have.
MAX_COOLDOWN_S = 7 * 86400


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


def judged(
    rules: list[RuleRef],
    entity: EntityState,
    values: Values,
    now: float,
    earlier: Callable[[float], Values] | None = None,
) -> list[BudgetDecision]:
    """The new decisions of ``rules`` on ``entity``, remembered in its histories."""
    out = []
    for rule in rules:
        pair = (rule.id, entity.id)
        history = histories.get(pair, History())
        decision = decide(rule, entity, values, history, budget_switch.kill, now, earlier)
        if decision is not None and is_news(decision):
            histories[pair] = remember(history, decision)
            out.append(decision)
    return out


def evaluate_campaigns(now: float, only: set[str] | None = None) -> list[BudgetDecision]:
    """The new decisions of every campaign rule on every counted campaign (or those in
    ``only``) at ``now``."""
    rules = [RuleRef.of(v, "campaign") for v in rulebook.budget_rules("campaign")]
    out: list[BudgetDecision] = []
    campaigns = counters.campaigns() if only is None else sorted(only)
    for campaign_id in campaigns if rules else []:
        minutes = counters.minutes(campaign_id)
        entity = campaign_state(campaign_id, minutes)
        if entity is not None:
            day = counters.days.day(campaign_id)
            at = partial(
                metric_values, minutes, day=day, zone=entity.time_zone, fields=entity.fields()
            )
            out += judged(rules, entity, at(now), now, at)
    return out


def evaluate_creatives(now: float, only: set[str] | None = None) -> list[BudgetDecision]:
    """The new decisions of every creative rule on every counted creative (or those of the
    campaigns in ``only``) at ``now``, with the feature ``ctr_rank_pct`` (CTR over the
    last hour among the campaign's creatives)."""
    rules = [RuleRef.of(v, "creative") for v in rulebook.budget_rules("creative")]
    out: list[BudgetDecision] = []
    groups = creatives.by_campaign()
    wanted = groups if only is None else {c: groups[c] for c in sorted(only) if c in groups}
    for creative_ids in wanted.values() if rules else []:
        minutes = {c: creatives.minutes(c) for c in creative_ids}
        ctrs = {c: window_totals(m, now, RANK_MINUTES)["ctr"] for c, m in minutes.items()}
        for creative_id, mins in minutes.items():
            entity = creative_state(creative_id, mins)
            if entity is None:
                continue
            rank = {"ctr_rank_pct": ctr_rank_pct(ctrs[creative_id], ctrs.values())}
            at = partial(
                metric_values,
                mins,
                day=creatives.days.day(creative_id),
                zone=entity.time_zone,
                fields=entity.fields(),
                features=rank,
            )
            out += judged(rules, entity, at(now), now, at)
    return out


def evaluate(now: float, only: set[str] | None = None) -> list[BudgetDecision]:
    """The new decisions on every counted campaign and creative (or those of the
    campaigns in ``only``) at ``now``."""
    return evaluate_campaigns(now, only) + evaluate_creatives(now, only)


async def emit(decisions: list[BudgetDecision]) -> None:
    stats.count("decisions", len(decisions))
    metrics.budget_decisions(decisions)
    await send_envelopes(topics.decisions, decisions, key=lambda d: d.shop_id)


def remember_acted(acted: list[tuple[str, str, float, str]]) -> int:
    """Put what the rules did before this worker started into their histories."""
    for rule_id, entity_id, at, key in acted:
        pair = (rule_id, entity_id)
        histories[pair] = histories.get(pair, History()).record(at, key)
        emitted[key] = None
    return len(acted)


def _acted_lately() -> list[tuple[str, str, float, str]]:
    since = datetime.now(UTC) - timedelta(seconds=MAX_COOLDOWN_S)
    with shared().session() as session:
        return decisions.acted_since(session, since)


@app.task
async def load_histories() -> None:
    """On start: the cool-downs and daily limits survive a restart (the decision log)."""
    try:
        acted = await until_answered(_acted_lately, "load_histories")  # a store outage waits
    except WarroomError:  # no store in this process (agent tests)
        return
    stats.count("decisions.remembered", remember_acted(acted))


@app.timer(_s.evaluate_interval_s)
async def evaluate_updated() -> None:
    """The campaigns with new activity, a moment after it was counted."""
    if touched := counters.take_touched():
        await emit(evaluate(time.time(), touched))


@app.timer(_s.flush_interval_s)
async def evaluate_budgets() -> None:
    """Every campaign, with or without new activity."""
    await emit(evaluate(time.time()))
