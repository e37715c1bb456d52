"""A creative A/B test (rule kind ``ab_test``): the first creative is the control, the
others its variants; CTR, CVR or ROI compared with the mSPRT (``msprt.py``) after every
update, each variant against the control at α / (variants) (Bonferroni). A variant whose
always-valid p-value falls to that level is better (the winner: the best of them) or
worse (a loser); when every variant is worse, the control wins. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from warroom.rules.abtest.msprt import Arm, bernoulli, compare, p_value
from warroom.rules.base import RuleParams

Metric = Literal["ctr", "cvr", "roi"]


class Params(RuleParams):
    creatives: tuple[str, ...] = Field(
        min_length=2, max_length=5, description="the control first, then its variants"
    )
    metric: Metric = "ctr"
    alpha: float = Field(0.05, gt=0, le=0.2, description="false positive rate of the test")
    tau: float = Field(
        0.2, gt=0, le=10, description="mixture scale: the lift expected, relative to the control"
    )
    min_trials: int = Field(
        1000, ge=1, le=10_000_000, description="trials per creative before acting on a result"
    )
    on_winner: Literal["none", "copy"] = "copy"
    on_loser: Literal["none", "pause"] = "pause"
    copy_budget: Decimal = Field(Decimal(500), gt=0, le=1_000_000, max_digits=14, decimal_places=2)

    @field_validator("creatives")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("creatives must be distinct")
        return value


@dataclass(frozen=True, slots=True)
class Counts:
    """One creative's totals since the test started (money in CNY)."""

    impressions: int = 0
    clicks: int = 0
    orders: int = 0
    spend: float = 0.0
    gmv: float = 0.0


def arm_of(metric: Metric, c: Counts) -> Arm | None:
    """The metric's estimate; ROI by the delta method (cost per click and order value
    taken as known: its noise is the CVR's)."""
    if metric == "ctr":
        return bernoulli(c.clicks, c.impressions)
    cvr = bernoulli(c.orders, c.clicks)
    if metric == "cvr" or cvr is None:
        return cvr
    if c.spend <= 0 or c.orders <= 0:
        return None
    cpc, aov = c.spend / c.clicks, c.gmv / c.orders
    return Arm(c.gmv / c.spend, cvr.variance * (aov / cpc) ** 2, c.clicks)


def trials(metric: Metric, c: Counts) -> int:
    return c.impressions if metric == "ctr" else c.clicks


@dataclass
class Outcome:
    means: dict[str, float | None]
    p_values: dict[str, float]  # each variant against the control
    winner: str | None = None
    losers: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float | None:
        """1 − the winner's p-value (the control's: the largest of its variants')."""
        if self.winner is None:
            return None
        if self.winner in self.p_values:
            return 1 - self.p_values[self.winner]
        return 1 - max(self.p_values.values())


def judge(p: Params, counts: Mapping[str, Counts], best: dict[str, float]) -> Outcome:
    """The test's state; ``best`` holds each variant's largest log Λ so far (updated)."""
    arms = {cid: arm_of(p.metric, counts.get(cid, Counts())) for cid in p.creatives}
    control_id, variants = p.creatives[0], p.creatives[1:]
    control = arms[control_id]
    ready = control is not None and all(
        trials(p.metric, counts.get(cid, Counts())) >= p.min_trials for cid in p.creatives
    )
    for cid in variants:
        arm = arms[cid]
        if control is not None and arm is not None and control.mean > 0:
            tau2 = (p.tau * control.mean) ** 2
            best[cid] = max(best.get(cid, 0.0), compare(control, arm, tau2))
    pvals = {cid: p_value(best.get(cid, 0.0)) for cid in variants}
    out = Outcome({cid: a.mean if a else None for cid, a in arms.items()}, pvals)
    if not ready or control is None:
        return out
    level = p.alpha / len(variants)
    better = [c for c in variants if pvals[c] <= level and (arms[c] or control).mean > control.mean]
    worse = [c for c in variants if pvals[c] <= level and (arms[c] or control).mean < control.mean]
    if better:
        out.winner = max(better, key=lambda c: (arms[c] or control).mean)
        out.losers = [control_id, *worse]
    elif len(worse) == len(variants):
        out.winner, out.losers = control_id, list(worse)
    return out
