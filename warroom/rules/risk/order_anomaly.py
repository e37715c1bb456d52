"""Order anomaly: the anomaly model's score on an order, as one weighted risk signal.

The model (``warroom/models/anomaly.py``) scores each order in [0, 1] before learning it;
this rule turns a score at or above ``threshold`` into a hit adding ``score`` to the
order's risk, once the model has learned ``min_orders`` orders. The explanation names
the features that sit far from what is usual.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from warroom.rules.base import Hit, RuleParams

RULE_ID = "model.order_anomaly"
#: A feature whose scaled value lies this close to 0 or 1 is called out.
FAR = 0.1
LABELS = {
    "amount": "amount ¥{:,.2f}",
    "price_ratio": "unit price {:.2f}× the SKU's average",
    "hour": "hour {:02.0f} (shop time)",
    "quantity": "quantity {:.0f}",
    "ip_orders_10m": "{:.0f} orders from this IP in 10 min",
    "user_orders_10m": "{:.0f} orders from this user in 10 min",
}


class Params(RuleParams):
    threshold: float = Field(
        0.85, ge=0.5, le=1.0, description="anomaly score (0-1) at or above which an order is hit"
    )
    score: float = Field(20.0, ge=0, le=100, description="risk score a hit adds (its weight)")
    min_orders: int = Field(
        1000, ge=0, le=10_000_000, description="orders the model must have learned first"
    )


def unusual(features: Mapping[str, float], scaled: Mapping[str, float]) -> list[str]:
    """The features far from usual, described: ``amount ¥4,999.00 (high)``."""
    out = []
    for name, where in scaled.items():
        if name in LABELS and (where >= 1 - FAR or where <= FAR):
            side = "high" if where >= 1 - FAR else "low"
            out.append(f"{LABELS[name].format(features[name])} ({side})")
    return out


def order_anomaly(
    order_id: str,
    anomaly: float,
    learned: int,
    features: Mapping[str, float],
    scaled: Mapping[str, float],
    params: Params,
) -> Hit | None:
    """A hit when the model, warm enough, finds the order unusual enough.

    >>> order_anomaly("o1", 0.95, 5000, {"amount": 4999.0}, {"amount": 1.0}, Params()).explanation
    'anomaly score 0.950 ≥ 0.85 (model learned 5,000 orders): amount ¥4,999.00 (high)'
    >>> order_anomaly("o1", 0.95, 10, {}, {}, Params()) is None  # not warm yet
    True
    """
    if learned < params.min_orders or anomaly < params.threshold:
        return None
    far = unusual(features, scaled)
    return Hit(
        rule_id=RULE_ID,
        entity=f"order:{order_id}",
        score=params.score,
        observed={"anomaly": round(anomaly, 4), "learned": learned, **features},
        thresholds={"threshold": params.threshold, "min_orders": params.min_orders},
        explanation=(
            f"anomaly score {anomaly:.3f} ≥ {params.threshold:g} (model learned {learned:,} orders)"
            + (": " + ", ".join(far) if far else "")
        ),
    )
