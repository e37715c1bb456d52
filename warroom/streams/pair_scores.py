"""A creator × product 人货匹配度 from the champion's published weights: the creator's fan
base (observed clickers, else the fan profile the creator declared) as one soft example
against the product, scored without river."""

from __future__ import annotations

from typing import Any

from warroom.models.match import match_score
from warroom.schemas.models import FanBase, MatchPublic, MatchSnapshot
from warroom.streams.fans import EVERYONE, as_example


def declared_fans(profile: dict[str, Any] | None) -> dict[str, Any] | None:
    """A creator's declared fan profile (``FanProfile``) as a soft example."""
    if not profile:
        return None
    return {
        "gender": profile.get("gender"),
        "age_band": profile.get("age_band"),
        "spending_power": profile.get("spending_power"),
        "preferred": profile.get("category"),
    }


def score_pair(
    snapshot: MatchSnapshot | None,
    creator: str,
    product: str,
    facts: tuple[str | None, float | None],
    declared: dict[str, Any] | None,
) -> MatchPublic:
    """``facts``: the product's category and unit price (None when unknown)."""
    if snapshot is None:
        return MatchPublic(
            creator=creator,
            product=product,
            score=None,
            probability=None,
            base_rate=None,
            model=None,
            fans="none",
            reason="the match model has not published its weights yet",
        )
    observed: FanBase | None = snapshot.fans.get(creator)
    everyone = snapshot.fans.get(EVERYONE)
    category, price = facts
    if price is None:
        price = snapshot.prices.get(product)
    pair = {"category": category, "price": price, "creator": creator, "product": product}
    if observed is not None:
        fans, source, reason = as_example(observed, everyone), "observed", None
    elif declared is not None:
        fans, source = as_example(declared, everyone), "declared"
        reason = "no clicks seen yet: the declared fan profile"
    else:
        fans, source = as_example({}, everyone), "none"
        reason = "no fan data: scored for an average viewer"
    p = snapshot.weights.proba({**fans, **pair})
    return MatchPublic(
        creator=creator,
        product=product,
        score=match_score(p, snapshot.base_rate),
        probability=round(p, 6),
        base_rate=round(snapshot.base_rate, 6),
        model=snapshot.model,
        fans=source,
        clickers=observed.clickers if observed is not None else 0.0,
        reason=reason,
    )
