"""Price deviation: a unit price far below (or above) the SKU's average unit price."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from pydantic import Field

from warroom.rules.base import Hit, RuleParams
from warroom.rules.risk.price_stats import RunningMean

RULE_ID = "risk.price_deviation"
#: Shown floors and ceilings are rounded to the money unit, outward, so they stay crossed.
CENT = Decimal("0.0001")
#: An average above the largest price an order may carry is bad data, not a baseline.
MAX_AVERAGE = 1e9


class Params(RuleParams):
    max_below_pct: float = Field(
        30.0, gt=0, le=100, description="how far below the SKU's average a unit price may lie, %"
    )
    max_ratio: float | None = Field(
        5.0, gt=1, le=1000, description="ceiling as a multiple of the average; None: no ceiling"
    )
    min_samples: int = Field(
        20, ge=1, le=1_000_000, description="prices the average must rest on before acting"
    )
    score: float = Field(40, ge=0, le=100, description="risk score a hit adds")


def price_deviation(
    sku: str, unit_price: Decimal, history: RunningMean | None, params: Params
) -> Hit | None:
    """Judge an order's unit price against the SKU's average before this order.

    ``history`` is the SKU's running mean (seeded from the warehouse, kept up to
    date from the stream), or None when the SKU has none. Comparisons are exact
    (the float average is read as the Decimal it is).

    >>> stats = RunningMean.seeded(100.0, 50)
    >>> price_deviation("k1", Decimal("70.00"), stats, Params()) is None  # exactly 30% below
    True
    >>> price_deviation("k1", Decimal("69.99"), stats, Params()).observed["direction"]
    'below'
    """
    if history is None or history.count < params.min_samples:
        return None
    if not (math.isfinite(history.mean) and 0 < history.mean <= MAX_AVERAGE):
        return None
    average = Decimal(history.mean)
    floor = average * (100 - Decimal(params.max_below_pct)) / 100
    ceiling = None if params.max_ratio is None else average * Decimal(params.max_ratio)
    if unit_price < floor:
        direction = "below"
    elif ceiling is not None and unit_price > ceiling:
        direction = "above"
    else:
        return None
    ratio = float(unit_price) / history.mean
    shown = round(history.mean, 4)
    if direction == "below":
        how = f"{(1 - ratio) * 100:.1f}% below"
        limit = f"more than {params.max_below_pct:g}% below fires"
    else:
        how = f"{ratio:.2f}× above"
        limit = f"more than {params.max_ratio:g}× fires"
    return Hit(
        rule_id=RULE_ID,
        entity=f"sku:{sku}",
        score=params.score,
        observed={
            "unit_price": unit_price,
            "average": shown,
            "samples": history.count,
            "ratio": ratio,
            "direction": direction,
        },
        thresholds={
            "max_below_pct": params.max_below_pct,
            "floor": floor.quantize(CENT, ROUND_CEILING),
            "max_ratio": params.max_ratio,
            "ceiling": None if ceiling is None else ceiling.quantize(CENT, ROUND_FLOOR),
            "min_samples": params.min_samples,
        },
        explanation=(
            f"unit price ¥{unit_price:.2f} is {how} SKU {sku}'s average ¥{shown:.2f} "
            f"over {history.count} orders ({limit})"
        ),
    )
