"""Refund spike: a shop's or SKU's refund rate over a window far above its baseline rate."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from warroom.rules.base import Hit, RuleParams

RULE_ID = "risk.refund_spike"


class Params(RuleParams):
    factor: float = Field(
        3.0, ge=1, le=1000, description="refund rates above factor × the baseline rate fire"
    )
    min_orders: int = Field(
        20, ge=1, le=1_000_000, description="paid orders the window needs before the rule acts"
    )
    min_refunds: int = Field(
        5, ge=1, le=1_000_000, description="refunds the window needs before the rule acts"
    )
    window_s: int = Field(
        86_400, ge=60, le=30 * 86_400, description="window the agent counts over, seconds"
    )
    score: float = Field(30, ge=0, le=100, description="risk score a hit adds")


@dataclass(frozen=True, slots=True)
class RefundCounts:
    """What the agent keeps for one shop (or one SKU) over the last ``window_s`` seconds."""

    scope: Literal["shop", "sku"]
    key: str
    paid_orders: int
    refunds: int
    #: The usual refunds per paid order (history or stream); None: no baseline yet.
    baseline_rate: float | None


def refund_spike(counts: RefundCounts, params: Params) -> Hit | None:
    """Judge a shop's or SKU's refunds over the window against its baseline rate.

    >>> counts = RefundCounts("shop", "s1", paid_orders=40, refunds=13, baseline_rate=0.1)
    >>> refund_spike(counts, Params()).observed["rate"]
    0.325
    >>> refund_spike(RefundCounts("sku", "k1", 40, 13, None), Params()) is None
    True
    """
    baseline = counts.baseline_rate
    if baseline is None or not (math.isfinite(baseline) and baseline >= 0):
        return None
    if counts.paid_orders < params.min_orders or counts.refunds < params.min_refunds:
        return None
    rate = counts.refunds / counts.paid_orders
    limit = params.factor * baseline
    if rate <= limit:
        return None
    ratio = rate / baseline if baseline > 0 else None
    times = "none usual" if ratio is None else f"{ratio:.1f}× the usual {baseline:.1%}"
    return Hit(
        rule_id=RULE_ID,
        entity=f"{counts.scope}:{counts.key}",
        score=params.score,
        observed={
            "paid_orders": counts.paid_orders,
            "refunds": counts.refunds,
            "rate": rate,
            "baseline_rate": baseline,
            "ratio": ratio,
        },
        thresholds={
            "factor": params.factor,
            "limit_rate": limit,
            "min_orders": params.min_orders,
            "min_refunds": params.min_refunds,
            "window_s": params.window_s,
        },
        explanation=(
            f"{counts.refunds} refunds on {counts.paid_orders} paid orders of {counts.scope} "
            f"{counts.key} in {params.window_s} s: {rate:.1%}, {times} "
            f"(more than {params.factor:g}× fires)"
        ),
    )
