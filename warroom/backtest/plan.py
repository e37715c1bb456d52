"""What a backtest replays, read from the SQL store: the rule, the candidate (a draft sent
with the request, a published version, or the rule's saved draft) beside its live
version, the live score thresholds, and for budget rules the entities they judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.errors import InvalidEntity
from warroom.rules.base import RuleParams
from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.engine import EntityState
from warroom.rules.registry import rule_kind
from warroom.rules.risk.scoring import Thresholds
from warroom.store import rulebook
from warroom.store.models import Campaign, Creative, Rule, RuleVersion, Shop

THRESHOLDS = "risk.thresholds"


@dataclass(frozen=True)
class Version:
    """One body of the rule, parsed as the workers parse it."""

    label: str
    version: int | None
    body: dict[str, Any]
    mode: str
    params: RuleParams | BudgetBody


@dataclass(frozen=True)
class Plan:
    rule_id: str
    kind: str
    family: str
    scope: str
    shop_id: str | None
    candidate: Version
    live: Version | None
    thresholds: Thresholds = field(default_factory=Thresholds)
    entities: dict[str, EntityState] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)


def _version(kind: str, label: str, number: int | None, body: dict[str, Any]) -> Version:
    canonical = rule_kind(kind).validate(body)  # InvalidEntity names draft.<field>
    mode, params = rule_kind(kind).parse(canonical)
    return Version(label, number, canonical, mode, params)


def _published(session: Session, rule_id: str, number: int) -> dict[str, Any]:
    row = session.get(RuleVersion, (rule_id, number))
    if row is None:
        raise InvalidEntity(f"rule {rule_id!r} has no version {number}", "version")
    return row.body


def _thresholds(session: Session) -> Thresholds:
    rule = session.get(Rule, THRESHOLDS)
    if rule is None or rule.live_version is None:
        return Thresholds()
    body = _published(session, THRESHOLDS, rule.live_version)
    return cast(Thresholds, rule_kind(rule.kind).parse(body)[1])


def zones(session: Session) -> dict[str, str]:
    return {shop.id: shop.time_zone for shop in session.scalars(select(Shop))}


def entities(session: Session, scope: str, shop_id: str | None) -> dict[str, EntityState]:
    """The campaigns (or creatives, with their campaign's budget and targets), as active."""
    tz = zones(session)
    campaigns = {c.id: c for c in session.scalars(select(Campaign))}
    rows: list[Campaign] | list[Creative]
    rows = (
        list(campaigns.values()) if scope == "campaign" else list(session.scalars(select(Creative)))
    )
    out = {}
    for row in rows:
        if shop_id is not None and row.shop_id != shop_id:
            continue
        camp = campaigns.get(row.campaign_id) if isinstance(row, Creative) else row
        if camp is None:
            continue
        out[row.id] = EntityState(
            kind="campaign" if isinstance(row, Campaign) else "creative",
            id=row.id,
            shop_id=row.shop_id,
            campaign_id=row.campaign_id if isinstance(row, Creative) else None,
            daily_budget=camp.daily_budget,
            budget_cap=camp.budget_cap,
            target_cpa=camp.target_cpa,
            target_roi=camp.target_roi,
            bid=camp.bid,
            created_at=_epoch(row.created_at),
            time_zone=tz.get(row.shop_id, "Asia/Shanghai"),
        )
    return out


def _epoch(at: datetime) -> float:
    return float((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp())


def plan(session: Session, rule_id: str, draft: dict[str, Any] | None, version: int | None) -> Plan:
    """The backtest of ``rule_id``: ``draft`` if sent, else ``version`` if given, else
    the rule's saved draft; beside the live version (None when never published)."""
    rule = rulebook.get_rule(session, rule_id)
    if draft is not None:
        candidate = _version(rule.kind, "draft", None, draft)
    elif version is not None:
        candidate = _version(
            rule.kind, f"v{version}", version, _published(session, rule_id, version)
        )
    else:
        candidate = _version(rule.kind, "draft", None, rule.draft)
    live = None
    if rule.live_version is not None:
        body = _published(session, rule_id, rule.live_version)
        live = _version(rule.kind, "live", rule.live_version, body)
    budget = rule.family == "budget"
    return Plan(
        rule_id=rule.id,
        kind=rule.kind,
        family=rule.family,
        scope=rule.scope,
        shop_id=rule.shop_id,
        candidate=candidate,
        live=live,
        thresholds=_thresholds(session),
        entities=entities(session, rule.scope, rule.shop_id) if budget else {},
        zones=zones(session),
    )
