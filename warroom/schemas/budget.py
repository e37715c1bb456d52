"""The budget engine's wire record: one 三快 decision, explained and idempotent.

A decision names its rule and version, the entity, what it observed against which
thresholds, the guardrail state, the change it proposes (before → after) and its
result. ``key`` (rule id and version, entity, window end) makes redelivery harmless:
the actuator applies a key once. The engine emits ``proposed`` (or ``skipped`` with a
reason); the actuator re-emits it as ``applied`` or ``failed`` (``with_result``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

EntityKind = Literal["campaign", "creative"]
#: ``coupon``: a tag and a coupon for a product (the radar), on the campaign selling it.
DecisionAction = Literal["pause", "scale", "copy", "revert", "coupon"]
Result = Literal["proposed", "applied", "skipped", "failed"]

_WINDOWS = {"1m": "1 min", "5m": "5 min", "15m": "15 min", "30m": "30 min", "60m": "60 min"}
_MONEY = {"spend", "gmv", "cpa", "gpm"}
_COUNTS = {"impressions", "plays", "clicks", "orders"}
_PERCENT = {"ctr": "CTR", "cvr": "CVR", "completion_rate": "completion rate"}


class Change(BaseModel):
    """One field's value before and after the action (money as CNY decimal text)."""

    model_config = ConfigDict(frozen=True)

    before: str | None
    after: str | None


class BudgetDecision(BaseModel):
    """What a budget rule decided for one entity in one minute."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["decision"] = "decision"
    key: str  # "{rule id}@v{version}|{kind}:{id}|{window end, to the minute}"
    rule_id: str
    rule_version: int
    entity_kind: EntityKind
    entity_id: str
    shop_id: str
    campaign_id: str  # the campaign itself, or the creative's
    mode: Literal["enforce", "shadow"]
    action: DecisionAction
    changes: dict[str, Change]  # status, daily_budget; a copy: copy_id, copy_daily_budget
    observed: dict[str, float | int | bool | None]  # the values the condition read
    thresholds: dict[str, Any]  # condition text, action, guardrails
    guardrails: dict[str, Any]  # clear, blocked_by, checks, and what they looked at
    result: Result
    reason: str | None = None  # a skip reason, or the error of a failed action
    entities: list[str]  # "campaign:8812", "shop:s1", ...: what the live feed filters on
    window_end: datetime  # the minute (UTC) the metric windows end in
    decided_at: datetime
    reverts: str | None = None  # the key of the decision a revert undoes
    requested_by: str | None = None  # who asked for it (a revert); None: the rule decided

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """A short URL-safe id derived from ``key`` (``/v1/decisions/{id}``)."""
        return decision_id(self.key)

    def with_result(self, result: Result, reason: str | None = None) -> BudgetDecision:
        """The same decision with the actuator's result (``applied``, ``failed`` ...)."""
        return self.model_copy(update={"result": result, "reason": reason})

    def line(self) -> str:
        """One readable line for a terminal or the live feed.

        e.g. ``PAUSE campaign 8812 (shop s1): spend ¥620.00 in 30 min, 0 orders |
        budget.stop_burners v3``
        """
        head = self.action.upper() + (" (shadow)" if self.mode == "shadow" else "")
        what = "; ".join(p for p in (evidence(self.observed), self._change_text()) if p)
        tail = {"skipped": f" | skipped: {self.reason}", "failed": f" | failed: {self.reason}"}.get(
            self.result, " | applied" if self.result == "applied" else ""
        )
        return (
            f"{head} {self.entity_kind} {self.entity_id} (shop {self.shop_id}): "
            f"{what or 'condition held'} | {self.rule_id} v{self.rule_version}{tail}"
        )

    def _change_text(self) -> str:
        if self.action == "pause":
            return ""
        if self.action == "coupon":
            return ", ".join(f"{n} {c.after}" for n, c in self.changes.items())
        if self.action == "copy":
            new = self.changes.get("copy_id")
            budget = self.changes.get("copy_daily_budget")
            into = new.after if new else "?"
            return f"copy into campaign {into}" + (f" at {_yuan(budget.after)}" if budget else "")
        parts = []
        for name, c in self.changes.items():
            money = name == "daily_budget"
            before, after = (_yuan(c.before), _yuan(c.after)) if money else (c.before, c.after)
            parts.append(f"{'budget' if money else name} {before} → {after}")
        return ", ".join(parts)


def decision_id(key: str) -> str:
    """16 hex digits of the SHA-256 of ``key``."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def evidence(observed: dict[str, float | int | bool | None]) -> str:
    """The windowed metrics of ``observed`` as text; a window is named where it changes.

    >>> evidence({"spend_30m": 620.0, "target_cpa": 300.0, "orders_30m": 0})
    'spend ¥620.00 in 30 min, 0 orders'
    """
    parts, last = [], None
    for name, value in observed.items():
        metric, _, window = name.rpartition("_")
        if not metric or (window not in _WINDOWS and window != "today"):
            continue
        text = _metric(metric, value)
        if window != last:
            text += " today" if window == "today" else f" in {_WINDOWS[window]}"
            last = window
        parts.append(text)
    return ", ".join(parts)


def _metric(metric: str, value: float | int | bool | None) -> str:
    label = _PERCENT.get(metric, metric.upper() if metric in ("roi", "cpa", "gpm") else metric)
    if value is None or isinstance(value, bool):
        return f"{label} n/a"
    if metric in _COUNTS:
        return f"{int(value):,} {metric}"
    if metric in _MONEY:
        return f"{label} ¥{value:,.2f}"
    if metric in _PERCENT:
        return f"{label} {value * 100:.2f}%"
    return f"{label} {value:.2f}"


def _yuan(amount: str | None) -> str:
    return "n/a" if amount is None else f"¥{float(amount):,.2f}"
