"""One verdict per order: the hits every risk agent found on it, their scores summed.

Each agent judges what its state shows (the IP's burst, the SKU's price, the payment)
and sends a partial verdict keyed by order id; the assembler folds the partials of an
order into one verdict and sends it again whenever a new hit changes it, so an order
caught by two rules scores both (60 for an IP burst + 30 for a price deviation = 90,
declined) and the feed shows the outcome escalate.
"""

from __future__ import annotations

from collections.abc import Sequence

from warroom.rules.risk.scoring import Thresholds, outcome
from warroom.rules.risk.verdict import UNKNOWN_SHOP
from warroom.schemas.decisions import RuleHitRecord, Verdict


def _identity(hit: RuleHitRecord) -> tuple[str, int, str]:
    return hit.rule_id, hit.rule_version, hit.entity


def merged_hits(
    known: Sequence[RuleHitRecord], new: Sequence[RuleHitRecord]
) -> list[RuleHitRecord]:
    """``known`` and the hits of ``new`` it lacks (a rule version fires once per entity)."""
    seen = {_identity(h) for h in known}
    out = list(known)
    for hit in new:
        if _identity(hit) not in seen:
            seen.add(_identity(hit))
            out.append(hit)
    return out


def score_of(hits: Sequence[RuleHitRecord]) -> tuple[float, bool]:
    """The enforced hits' scores summed (capped at 100), or the shadow hits' when none is
    enforced; and whether any hit is enforced."""
    enforced = [h for h in hits if h.mode == "enforce"]
    return min(100.0, sum(h.score for h in (enforced or hits))), bool(enforced)


def key_of(order_id: str, hits: Sequence[RuleHitRecord]) -> str:
    """The same hits on the same order always give the same key (redeliveries dedupe)."""
    parts = sorted({f"{h.rule_id}@{h.rule_version}:{h.entity}" for h in hits})
    return f"{order_id}|{','.join(parts)}"


def combine(known: Verdict | None, partial: Verdict, thresholds: Thresholds) -> Verdict | None:
    """The order's verdict with ``partial`` folded in; None when it adds no new hit.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 11, 22, tzinfo=UTC)
    >>> def part(rule, score):
    ...     hit = RuleHitRecord(rule_id=rule, rule_version=1, entity="ip:1.2.3.4", score=score,
    ...                         observed={}, thresholds={}, explanation=rule)
    ...     return Verdict(key=rule, order_id="o1", shop_id="s1", outcome="review", score=score,
    ...                    mode="enforce", hits=[hit], entities=["order:o1"], event_ts=at,
    ...                    decided_at=at)
    >>> first = combine(None, part("risk.same_ip_burst", 60), Thresholds())
    >>> both = combine(first, part("risk.price_deviation", 30), Thresholds())
    >>> again = combine(both, part("risk.same_ip_burst", 60), Thresholds())
    >>> first.outcome, both.outcome, both.score, again
    ('hold', 'decline', 90.0, None)
    """
    hits = merged_hits(known.hits if known else [], partial.hits)
    if known is not None and len(hits) == len(known.hits):
        return None
    score, enforced = score_of(hits)
    entities = list(dict.fromkeys([*(known.entities if known else []), *partial.entities]))
    shop = known.shop_id if known is not None and known.shop_id != UNKNOWN_SHOP else partial.shop_id
    return partial.model_copy(
        update={
            "key": key_of(partial.order_id, hits),
            "shop_id": shop,
            "outcome": outcome(score, thresholds),
            "score": score,
            "mode": "enforce" if enforced else "shadow",
            "hits": hits,
            "entities": entities,
            "event_ts": min(known.event_ts, partial.event_ts) if known else partial.event_ts,
        }
    )
