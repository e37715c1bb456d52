"""An order's verdict: which rules fired, in which mode, the outcome, and an idempotency key."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from warroom.rules.base import Hit
from warroom.rules.risk import same_ip_burst
from warroom.rules.risk.scoring import Thresholds
from warroom.rules.risk.verdict import verdict_for
from warroom.rules.rulebook import RuleVersion
from warroom.schemas.events import Order

NOW = datetime(2024, 11, 11, 12, 0, 3, tzinfo=UTC)
THRESHOLDS = RuleVersion("risk.thresholds", 1, "enforce", Thresholds())


def order(**overrides: Any) -> Order:
    fields: dict[str, Any] = {
        "event_id": "evt-9f1c2e",
        "ts": "2024-11-11T12:00:00Z",
        "order_id": "DY2411110001",
        "user_id": "dy_u_5521",
        "ip": "203.0.113.45",
        "shop_id": "shop-hz-tea-007",
        "sku": "LONGJING-250G",
        "quantity": 2,
        "unit_price": Decimal("168.00"),
        "amount": Decimal("336.00"),
        "campaign_id": "cmp-double11-01",
        "channel": "live",
    }
    return Order.model_validate({**fields, **overrides})


def burst_hit(score: float = 60) -> Hit:
    return Hit(
        rule_id=same_ip_burst.RULE_ID,
        entity="ip:203.0.113.45",
        score=score,
        observed={"orders": 6, "first_ts": 1_731_326_400, "last_ts": 1_731_326_459, "span_s": 59},
        thresholds={"max_orders": 5, "window_s": 60},
        explanation="6 orders from IP 203.0.113.45 within 59.0 s (more than 5 in 60 s)",
        evidence=("DY2411110001", "DY2411110002"),
    )


def other_hit(score: float) -> Hit:
    return Hit("risk.new_device", "device:dev-77", score, {"age_s": 12}, {"min_age_s": 600}, "new")


def rule(
    mode: str = "enforce", version: int = 1, rule_id: str = same_ip_burst.RULE_ID
) -> RuleVersion:
    return RuleVersion(rule_id, version, mode, same_ip_burst.Params())  # type: ignore[arg-type]


def test_no_hits_means_no_verdict() -> None:
    assert verdict_for(order(), [], THRESHOLDS, NOW) is None


def test_enforced_hit_drives_the_outcome_and_is_explained() -> None:
    v = verdict_for(order(), [(burst_hit(60), rule(version=3))], THRESHOLDS, NOW)

    assert v is not None
    assert (v.outcome, v.score, v.mode) == ("hold", 60, "enforce")
    assert (v.order_id, v.shop_id) == ("DY2411110001", "shop-hz-tea-007")
    assert v.event_ts == datetime(2024, 11, 11, 12, 0, tzinfo=UTC)
    assert v.decided_at == NOW
    [record] = v.hits
    assert record.rule_id == "risk.same_ip_burst"
    assert record.rule_version == 3
    assert record.observed["orders"] == 6
    assert record.thresholds == {"max_orders": 5, "window_s": 60}
    assert record.evidence == ["DY2411110001", "DY2411110002"]
    assert "HOLD" in v.line()
    assert "risk.same_ip_burst v3" in v.line()


def test_shadow_only_hits_give_a_shadow_verdict() -> None:
    v = verdict_for(order(), [(burst_hit(60), rule("shadow"))], THRESHOLDS, NOW)

    assert v is not None
    assert v.mode == "shadow"
    assert v.outcome == "hold"
    assert len(v.hits) == 1


def test_shadow_hits_are_reported_but_never_raise_the_enforced_outcome() -> None:
    hits = [
        (other_hit(40), rule("enforce", rule_id="risk.new_device")),
        (burst_hit(60), rule("shadow")),
    ]

    v = verdict_for(order(), hits, THRESHOLDS, NOW)

    assert v is not None
    assert (v.mode, v.score, v.outcome) == ("enforce", 40, "review")
    assert [h.rule_id for h in v.hits] == ["risk.new_device", "risk.same_ip_burst"]


def test_enforced_scores_add_up_to_decline() -> None:
    hits = [(other_hit(40), rule(rule_id="risk.new_device")), (burst_hit(60), rule())]

    v = verdict_for(order(), hits, THRESHOLDS, NOW)

    assert v is not None
    assert (v.score, v.outcome) == (100, "decline")


def test_published_thresholds_decide_the_outcome() -> None:
    strict = RuleVersion(
        "risk.thresholds", 2, "enforce", Thresholds(review=10, hold=20, decline=50)
    )

    v = verdict_for(order(), [(burst_hit(60), rule())], strict, NOW)

    assert v is not None
    assert v.outcome == "decline"


@pytest.mark.parametrize(
    ("campaign_id", "expected"),
    [
        (
            "cmp-double11-01",
            [
                "order:DY2411110001",
                "shop:shop-hz-tea-007",
                "user:dy_u_5521",
                "ip:203.0.113.45",
                "campaign:cmp-double11-01",
            ],
        ),
        (
            None,
            ["order:DY2411110001", "shop:shop-hz-tea-007", "user:dy_u_5521", "ip:203.0.113.45"],
        ),
    ],
)
def test_entities_let_the_feed_filter_by_order_shop_user_ip_and_campaign(
    campaign_id: str | None, expected: list[str]
) -> None:
    v = verdict_for(order(campaign_id=campaign_id), [(burst_hit(), rule())], THRESHOLDS, NOW)

    assert v is not None
    assert v.entities == expected


def test_key_is_stable_for_the_same_order_and_rule_version() -> None:
    first = verdict_for(order(), [(burst_hit(), rule(version=2))], THRESHOLDS, NOW)
    redelivered = verdict_for(
        order(event_id="evt-redelivered"),
        [(burst_hit(), rule(version=2))],
        THRESHOLDS,
        datetime(2024, 11, 11, 12, 5, tzinfo=UTC),
    )

    assert first is not None
    assert redelivered is not None
    assert first.key == redelivered.key


@pytest.mark.parametrize(
    ("changed_order", "changed_rule"),
    [
        ({"order_id": "DY2411110002"}, {}),
        ({}, {"version": 3}),
        ({}, {"rule_id": "risk.new_device"}),
    ],
)
def test_key_differs_for_another_order_or_rule_version(
    changed_order: dict[str, str], changed_rule: dict[str, Any]
) -> None:
    base = verdict_for(order(), [(burst_hit(), rule(version=2))], THRESHOLDS, NOW)
    other = verdict_for(
        order(**changed_order),
        [(burst_hit(), rule(**{"version": 2, **changed_rule}))],
        THRESHOLDS,
        NOW,
    )

    assert base is not None
    assert other is not None
    assert base.key != other.key
