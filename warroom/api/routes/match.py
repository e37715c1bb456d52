"""``/v1/match``: the 人货匹配度 (0-100) of a creator × product pair, one or a batch, from
the champion model's published weights; and ``/v1/match/creators/{id}/trust``, the
creator trust score with each component explained.

A score of 50 is an average click's fit; 75 means the odds of an order are three times
the average's. The creator's fans are those who clicked their content lately
(``fans: observed``), else the fan profile the creator declared (``declared``), else an
average viewer (``none``).
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from warroom.api.auth import READERS, Actor, ActorDep
from warroom.api.deps import RuntimeDep, SessionDep
from warroom.api.entities import responses
from warroom.api.runtime import Runtime
from warroom.models.trust import COMPONENTS, TrustParams, TrustScore, trust_score
from warroom.rules.registry import TRUST_RULE_ID, rule_kind
from warroom.schemas.entities.common import Page
from warroom.schemas.models import MatchBatch, MatchPublic
from warroom.schemas.types import Id
from warroom.store.commerce import CREATORS, PRODUCTS
from warroom.store.models.rules import RuleVersion
from warroom.store.rulebook import get_rule
from warroom.streams.creator_stats import trust_rates
from warroom.streams.pair_scores import declared_fans, score_pair

router = APIRouter(prefix="/v1/match", tags=["models"])


def _pair(session: Session, actor: Actor, rt: Runtime, creator: str, product: str) -> MatchPublic:
    item = session.get(PRODUCTS.model, product)
    if item is not None:
        actor.require_shop(item.shop_id)
    elif actor.shops is not None:
        actor.require_shop(None)  # a scoped key scores only its shops' products
    facts = (item.category, float(item.list_price)) if item is not None else (None, None)
    known = session.get(CREATORS.model, creator)
    declared = declared_fans(known.fan_profile if known is not None else None)
    return score_pair(rt.models.snapshot(), creator, product, facts, declared)


@router.get("", responses=responses())
def match(
    creator: Annotated[Id, Query(examples=["cr-77"])],
    product: Annotated[Id, Query(examples=["SKU-101"])],
    session: SessionDep,
    actor: ActorDep,
    rt: RuntimeDep,
) -> MatchPublic:
    """How well the creator's fan base fits the product."""
    actor.require(*READERS)
    return _pair(session, actor, rt, creator, product)


@router.post("", responses=responses())
def match_batch(
    body: MatchBatch, session: SessionDep, actor: ActorDep, rt: RuntimeDep
) -> Page[MatchPublic]:
    """Up to 1,000 pairs at once, in the order asked."""
    actor.require(*READERS)
    data = [_pair(session, actor, rt, p.creator, p.product) for p in body.pairs]
    return Page[MatchPublic](data=data, count=len(data))


class TrustPublic(TrustScore):
    creator: str
    rule_version: int
    home_city: str | None


def _trust_params(session: Session) -> tuple[TrustParams, int]:
    rule = get_rule(session, TRUST_RULE_ID)
    version = session.get(RuleVersion, (TRUST_RULE_ID, rule.live_version))
    if version is None:
        return TrustParams(), 0
    _, params = rule_kind(rule.kind).parse(version.body)
    return cast(TrustParams, params), version.version


@router.get("/creators/{creator_id}/trust", responses=responses())
def creator_trust(
    creator_id: str, session: SessionDep, actor: ActorDep, rt: RuntimeDep
) -> TrustPublic:
    """The playbook's trust score: weights and targets from the live ``model.creator_trust``
    rule; counters from the learners; a component without data says why."""
    actor.require(*READERS)
    params, version = _trust_params(session)
    known = session.get(CREATORS.model, creator_id)
    home = known.home_city if known is not None else None
    counts = rt.models.creator(creator_id)
    rates: dict[str, float]
    missing: dict[str, str]
    if counts is None:
        rates, missing = {}, {c: "no activity seen for this creator" for c in COMPONENTS}
    else:
        rates, missing = trust_rates(counts, home, params)
    score = trust_score(rates, params, missing)
    return TrustPublic(
        **score.model_dump(), creator=creator_id, rule_version=version, home_city=home
    )
