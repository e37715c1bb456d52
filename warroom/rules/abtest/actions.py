"""What a decided A/B test does through the actuator: a fast-copy of the winner (快复制)
and a fast-stop of each loser (快关停), as ordinary budget decisions, once per test
version. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.rules.abtest.creative_test import Outcome, Params
from warroom.rules.budget.engine import copy_id, window_end
from warroom.schemas.budget import BudgetDecision, Change, DecisionAction


def decisions_of(
    rule: tuple[str, int, str, Params],
    outcome: Outcome,
    where: dict[str, tuple[str, str]],
    now: float,
) -> list[BudgetDecision]:
    """``rule``: (id, version, mode, params); ``where``: creative -> (campaign, shop)."""
    mode, p = rule[2], rule[3]
    if mode == "off" or outcome.winner is None:
        return []
    out = []
    if p.on_winner == "copy" and outcome.winner in where:
        out.append(_decision(rule, outcome, outcome.winner, "copy", where, now))
    if p.on_loser == "pause":
        out += [
            _decision(rule, outcome, c, "pause", where, now) for c in outcome.losers if c in where
        ]
    return out


def _decision(
    rule: tuple[str, int, str, Params],
    outcome: Outcome,
    creative: str,
    action: DecisionAction,
    where: dict[str, tuple[str, str]],
    now: float,
) -> BudgetDecision:
    rule_id, version, mode, p = rule
    campaign, shop = where[creative]
    key = f"{rule_id}@v{version}|creative:{creative}|{action}"
    if action == "copy":
        changes = {
            "copy_id": Change(before=None, after=copy_id(key)),
            "copy_daily_budget": Change(before=None, after=str(p.copy_budget)),
        }
    else:
        changes = {"status": Change(before="active", after="paused")}
    shadow = mode == "shadow"
    observed: dict[str, float | int | bool | None] = {
        f"{p.metric}_{c}": m for c, m in outcome.means.items()
    }
    observed |= {f"p_value_{c}": v for c, v in outcome.p_values.items()}
    return BudgetDecision(
        key=key,
        rule_id=rule_id,
        rule_version=version,
        entity_kind="creative",
        entity_id=creative,
        shop_id=shop,
        campaign_id=campaign,
        mode="shadow" if shadow else "enforce",
        action=action,
        changes=changes,
        observed=observed,
        thresholds={"metric": p.metric, "alpha": p.alpha, "winner": outcome.winner},
        guardrails={"clear": True, "blocked_by": [], "confidence": outcome.confidence},
        result="skipped" if shadow else "proposed",
        reason="shadow" if shadow else None,
        entities=[f"creative:{creative}", f"campaign:{campaign}", f"shop:{shop}"],
        window_end=datetime.fromtimestamp(window_end(now), UTC),
        decided_at=datetime.fromtimestamp(now, UTC),
    )
