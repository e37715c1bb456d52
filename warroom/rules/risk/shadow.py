"""Shadow comparison: judge one event with a rule's live version and with its candidate.

The live version's hit decides, as always; the candidate's never does. The comparison
records, for an event where either fired, which did and what each observed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar, cast

from warroom.rules.base import Hit, RuleParams
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.shadow import ShadowComparison

#: The kinds whose agents judge a candidate beside the live version.
SHADOW_KINDS = frozenset(
    {"same_ip_burst", "same_device_burst", "same_user_burst", "price_deviation"}
)

P = TypeVar("P", bound=RuleParams)


def fired(judge: Callable[[P], Hit | None], rule: RuleVersion) -> Hit | None:
    """The version's hit on the event (None while the version is switched off)."""
    return None if rule.mode == "off" else judge(cast(P, rule.params))


def compare(
    judge: Callable[[P], Hit | None],
    live: RuleVersion,
    candidate: RuleVersion,
    order_id: str,
    shop_id: str,
    event_ts: datetime,
    now: datetime,
) -> ShadowComparison | None:
    """``judge`` (the rule on one event, given parameters) with both versions; None when
    neither fired. Pure: the same event and versions always give the same comparison.
    """
    live_hit, candidate_hit = fired(judge, live), fired(judge, candidate)
    if live_hit is None and candidate_hit is None:
        return None
    return ShadowComparison(
        rule_id=live.rule_id,
        order_id=order_id,
        shop_id=shop_id,
        live_version=live.version,
        candidate_version=candidate.version,
        live_hit=live_hit is not None,
        candidate_hit=candidate_hit is not None,
        live_observed=None if live_hit is None else dict(live_hit.observed),
        candidate_observed=None if candidate_hit is None else dict(candidate_hit.observed),
        event_ts=event_ts,
        at=now,
    )
