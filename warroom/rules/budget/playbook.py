"""The playbook's 三快 rules (DESIGN.md) as budget-rule drafts, for seeding the rulebook.

Each is a rule id, a title, a scope (the entities it judges) and a ``BudgetBody`` of
kind ``condition``; ``drafts()`` gives them as ``RuleCreate`` bodies. They enforce,
so that the demo shows all three moves (seed them in ``shadow`` for a cautious start).

- fast-stop: spend ≥ 2× target CPA with 0 orders in 30 min; CTR < 1 % after 5,000
  impressions (in the last hour); ROI < 1 over the last hour after 2× target CPA of
  spend, which the match-score guard (≥ 75) holds back: it fires on ROI alone;
- fast-scale: ROI ≥ 1.2× target with ≥ 5 orders in 15 min → budget ×1.2, never above
  the cap;
- fast-copy: a creative with ROI ≥ 2 over the last hour, copied into a new campaign
  with ¥500 a day, at most once a week. "CTR in the campaign's top 10 %" is the
  feature ``ctr_rank_pct < 10``, which conditions can use once the vocabulary holds it
  (``vocabulary.py``); until then the rule goes without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from warroom.rules.budget.body import BudgetBody, Copy, Guardrails, Pause, Scale
from warroom.rules.budget.vocabulary import NAMES

KIND = "condition"
_TOP_CTR = " and ctr_rank_pct < 10" if "ctr_rank_pct" in NAMES else ""


@dataclass(frozen=True, slots=True)
class Play:
    title: str
    scope: Literal["campaign", "creative"]
    body: BudgetBody


PLAYBOOK: dict[str, Play] = {
    "budget.fast_stop_no_orders": Play(
        "快关停: spend at least 2x the target CPA with no order in 30 min",
        "campaign",
        BudgetBody(
            mode="enforce",
            condition="spend_30m >= 2 * target_cpa and orders_30m == 0",
            action=Pause(type="pause"),
            guardrails=Guardrails(learning_minutes=30, cooldown_s=1800, max_actions_per_day=3),
        ),
    ),
    "budget.fast_stop_low_ctr": Play(
        "快关停: CTR below 1% after 5,000 impressions in the last hour",
        "campaign",
        BudgetBody(
            mode="enforce",
            condition="ctr_60m < 0.01 and impressions_60m >= 5000",
            action=Pause(type="pause"),
            guardrails=Guardrails(min_impressions=5000, learning_minutes=30, sustain_minutes=10),
        ),
    ),
    "budget.fast_stop_low_roi": Play(
        "快关停: ROI below 1 in the last hour after 2x the target CPA of spend "
        "(not when the match score is 75 or more)",
        "campaign",
        BudgetBody(
            mode="enforce",
            condition="roi_60m < 1 and spend_60m >= 2 * target_cpa",
            action=Pause(type="pause"),
            guardrails=Guardrails(learning_minutes=30, match_score_guard=75, sustain_minutes=10),
        ),
    ),
    "budget.fast_scale_winners": Play(
        "快放量: ROI at least 1.2x the target with 5+ orders in 15 min: budget x1.2 up to the cap",
        "campaign",
        BudgetBody(
            mode="enforce",
            condition="roi_15m >= 1.2 * target_roi and orders_15m >= 5",
            action=Scale(type="scale", factor=1.2),
            guardrails=Guardrails(
                learning_minutes=15, learning_conversions=5, cooldown_s=600, max_actions_per_day=10
            ),
        ),
    ),
    "budget.fast_copy_winners": Play(
        "快复制: a creative with ROI of 2 or more in the last hour, copied into a new campaign",
        "creative",
        BudgetBody(
            mode="enforce",
            condition="roi_60m >= 2 and orders_60m >= 3" + _TOP_CTR,
            action=Copy(type="copy", initial_budget=Decimal("500.00")),
            guardrails=Guardrails(
                min_spend=100, learning_minutes=30, cooldown_s=7 * 86400, max_actions_per_day=1
            ),
        ),
    ),
}


def drafts() -> list[dict[str, Any]]:
    """The rules as ``RuleCreate`` bodies (``POST /v1/rules``), JSON-ready."""
    return [
        {
            "id": rule_id,
            "kind": KIND,
            "title": play.title,
            "scope": play.scope,
            "draft": play.body.model_dump(mode="json"),
        }
        for rule_id, play in PLAYBOOK.items()
    ]
