"""What a backtest reports: per side (the candidate, the live version) a summary of what
the rule would have done and its impact, and its first decisions, explained."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from warroom.backtest.budget import BudgetOutcome
from warroom.backtest.risk import Hits
from warroom.rules.risk.scoring import Thresholds, outcome, total_score

#: Decisions listed per side (the summary counts them all).
MAX_LISTED = 200


class Side(BaseModel):
    """One version of the rule, replayed."""

    label: str = Field(description="draft, live, or v<N>")
    version: int | None
    mode: str
    body: dict[str, Any]
    summary: dict[str, Any]
    decisions: list[dict[str, Any]]
    decisions_total: int


class BacktestReport(BaseModel):
    rule_id: str
    kind: str
    family: str
    since: datetime
    until: datetime
    candidate: Side
    live: Side | None = Field(description="the live version over the same history; None: none")
    elapsed_s: float = Field(description="the whole backtest: loading and both replays")
    loading_s: float = Field(description="of which reading the history from the warehouse")
    history: dict[str, int] = Field(
        description="rows replayed: minutes; orders, payments, refunds, verdicts, labels"
    )


def budget_summary(out: BudgetOutcome) -> dict[str, Any]:
    acted = out.acted()
    return {
        "evaluations": out.evaluations,
        "actions": dict(Counter(d.action for d in acted)),
        "skipped": dict(Counter(str(d.reason) for d in out.decisions if d.result == "skipped")),
        "entities_acted_on": len({d.entity_id for d in acted}),
        "spend_saved": out.spend_saved,
        "orders_forgone": out.orders_forgone,
        "gmv_forgone": out.gmv_forgone,
    }


def budget_decisions(out: BudgetOutcome) -> list[dict[str, Any]]:
    return [
        {
            "at": d.decided_at,
            "entity": f"{d.entity_kind}:{d.entity_id}",
            "action": d.action,
            "result": d.result,
            "reason": d.reason,
            "changes": {k: c.model_dump() for k, c in d.changes.items()},
            "observed": d.observed,
        }
        for d in out.decisions[:MAX_LISTED]
    ]


def outcomes(hits: Hits, thresholds: Thresholds) -> dict[str, str]:
    """Each hit order's outcome had this rule alone judged it (scores add up)."""
    return {oid: outcome(total_score(found), thresholds) for oid, found in hits.items()}


def risk_summary(
    hits: Hits,
    thresholds: Thresholds,
    judged: int,
    amounts: Mapping[str, Decimal],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """Orders flagged and held (and their amount), and precision / recall against the
    review labels of the window's orders (None without labels)."""
    results = outcomes(hits, thresholds)
    held = [oid for oid, o in results.items() if o in ("hold", "decline")]
    fraud = {oid for oid, label in labels.items() if label == "fraud"}
    labelled = [oid for oid in results if oid in labels]
    caught = [oid for oid in labelled if oid in fraud]
    return {
        "judged": judged,
        "flagged": len(results),
        "outcomes": dict(Counter(results.values())),
        "held": len(held),
        "amount_held": sum((amounts.get(oid, Decimal(0)) for oid in held), Decimal(0)),
        "labelled": len(labelled),
        "precision": round(len(caught) / len(labelled), 6) if labelled else None,
        "recall": round(len(caught) / len(fraud), 6) if fraud else None,
    }


def risk_decisions(hits: Hits, thresholds: Thresholds) -> list[dict[str, Any]]:
    return [
        {
            "order_id": oid,
            "outcome": outcome(total_score(found), thresholds),
            "score": total_score(found),
            "hits": [
                {"rule_id": h.rule_id, "entity": h.entity, "explanation": h.explanation}
                for h in found
            ],
        }
        for oid, found in list(hits.items())[:MAX_LISTED]
    ]
