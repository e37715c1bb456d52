"""The creator trust score (达人信任分): the playbook's weighted formula.

fan interaction rate 30%, historical return rate 25% (fewer returns score higher),
48-hour repurchase rate 20%, same-city tag match 15%, fan-circle penetration 10%.
Each component is its rate turned into 0..1 against a target (``min(rate / target, 1)``;
returns: ``1 - min(rate / ceiling, 1)``); the score is 0-100, the weighted mean of the
components that can be computed. A component without data is shown as missing with the
reason and its weight is spread over the others (``coverage`` says how much weight
stood behind the score).

>>> s = trust_score({"interaction": 0.05, "repurchase_48h": 0.2, "same_city": 0.5,
...                  "fan_penetration": 0.15}, TrustParams(), {"returns": "no refund events"})
>>> s.score, s.coverage, s.components["returns"].missing
(73.33, 0.75, 'no refund events')
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from warroom.rules.base import RuleParams

COMPONENTS = ("interaction", "returns", "repurchase_48h", "same_city", "fan_penetration")


class TrustParams(RuleParams):
    """The weights (shares of the score) and the rates that earn a full component."""

    w_interaction: float = Field(0.30, ge=0, le=1, description="fan interaction rate")
    w_returns: float = Field(0.25, ge=0, le=1, description="historical return rate")
    w_repurchase_48h: float = Field(0.20, ge=0, le=1, description="48-hour repurchase rate")
    w_same_city: float = Field(0.15, ge=0, le=1, description="same-city tag match")
    w_fan_penetration: float = Field(0.10, ge=0, le=1, description="fan-circle penetration")
    interaction_target: float = Field(
        0.10, gt=0, le=1, description="(plays + clicks) ÷ impressions that scores full marks"
    )
    return_ceiling: float = Field(0.30, gt=0, le=1, description="return rate that scores 0")
    repurchase_target: float = Field(0.20, gt=0, le=1, description="repurchase rate, full marks")
    same_city_target: float = Field(0.50, gt=0, le=1, description="same-city share, full marks")
    penetration_target: float = Field(0.30, gt=0, le=1, description="repeat-fan share, full")
    min_impressions: int = Field(100, ge=1, le=10_000_000, description="before interaction")
    min_orders: int = Field(10, ge=1, le=10_000_000, description="before the order rates")
    min_clickers: int = Field(20, ge=1, le=10_000_000, description="before penetration")

    @model_validator(mode="after")
    def _some_weight(self) -> TrustParams:
        if sum(self.weight(c) for c in COMPONENTS) <= 0:
            raise ValueError("at least one weight must be above 0")
        return self

    def weight(self, component: str) -> float:
        return float(getattr(self, f"w_{component}"))


class Component(BaseModel):
    model_config = ConfigDict(frozen=True)

    rate: float | None
    value: float | None  # 0..1
    weight: float
    points: float  # what it adds to the 0-100 score
    missing: str | None = None


class TrustScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    score: float | None
    coverage: float
    components: dict[str, Component]


def component_value(name: str, rate: float, p: TrustParams) -> float:
    """A rate turned into 0..1."""
    if name == "returns":
        return 1.0 - min(rate / p.return_ceiling, 1.0)
    target = {
        "interaction": p.interaction_target,
        "repurchase_48h": p.repurchase_target,
        "same_city": p.same_city_target,
        "fan_penetration": p.penetration_target,
    }[name]
    return min(max(rate, 0.0) / target, 1.0)


def trust_score(
    rates: dict[str, float], params: TrustParams, missing: dict[str, str] | None = None
) -> TrustScore:
    """The score from the ``rates`` known; ``missing`` says why the others are not."""
    why = missing or {}
    known = [c for c in COMPONENTS if rates.get(c) is not None and params.weight(c) > 0]
    total = sum(params.weight(c) for c in COMPONENTS)
    present = sum(params.weight(c) for c in known)
    parts: dict[str, Component] = {}
    for c in COMPONENTS:
        rate = rates.get(c)
        if rate is None:
            reason = why.get(c, "no data yet")
            parts[c] = Component(
                rate=None, value=None, weight=params.weight(c), points=0.0, missing=reason
            )
            continue
        value = component_value(c, rate, params)
        points = 100.0 * value * params.weight(c) / present if c in known else 0.0
        parts[c] = Component(
            rate=rate, value=round(value, 4), weight=params.weight(c), points=round(points, 2)
        )
    exact = sum(component_value(c, rates[c], params) * params.weight(c) for c in known)
    score = round(100.0 * exact / present, 2) if known else None
    return TrustScore(score=score, coverage=round(present / total, 4), components=parts)
