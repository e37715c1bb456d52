"""The playbook's rules (DESIGN.md), valid as rulebook drafts and doing what the playbook says
on live counters."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.effects import apply_to
from warroom.rules.budget.engine import EntityState, RuleRef, decide
from warroom.rules.budget.guardrails import History
from warroom.rules.budget.metrics import feed, metric_values
from warroom.rules.budget.playbook import KIND, PLAYBOOK, drafts
from warroom.rules.registry import rule_kind
from warroom.schemas.budget import BudgetDecision
from warroom.schemas.internal import CampaignMinute
from warroom.schemas.rules import RuleCreate

MINUTE = 28_855_440  # 2024-11-11 12:00 UTC, 20:00 in Shanghai
NOW = MINUTE * 60 + 35
ZONE = "Asia/Shanghai"
YUAN = 10_000  # money units per CNY in the counters


def campaign(**overrides: Any) -> EntityState:
    fields: dict[str, Any] = {
        "kind": "campaign",
        "id": "8812",
        "shop_id": "s1",
        "daily_budget": Decimal("3000.00"),
        "budget_cap": Decimal("10000.00"),
        "target_cpa": Decimal("300.00"),
        "target_roi": Decimal("2.0"),
        "created_at": NOW - 3 * 86_400,
        "conversions": 200,
        "match_score": 60.0,
    }
    return EntityState(**(fields | overrides))


def spread(minutes: int, at: int = MINUTE, **totals: int) -> list[CampaignMinute]:
    """``totals`` spread evenly over the ``minutes`` minutes up to minute ``at`` (the
    remainder in the last)."""
    out = []
    for ago in range(minutes):
        share = {k: v // minutes + (v % minutes if ago == 0 else 0) for k, v in totals.items()}
        out.append(CampaignMinute(minute=at - ago, **share))
    return out


#: How long the low-ROI and low-CTR stops' conditions must have held (``sustain_minutes``).
SUSTAIN = 10


def steady(window: int, **per_window: int) -> list[CampaignMinute]:
    """The same rate for ``window + SUSTAIN`` minutes: ``per_window`` in every ``window``
    minutes up to now, and already in each of the last ``SUSTAIN`` minutes' windows."""
    minutes = window + SUSTAIN
    return spread(minutes, **{k: v * minutes // window for k, v in per_window.items()})


def judge(
    rule_id: str,
    minutes: list[CampaignMinute],
    entity: EntityState | None = None,
    history: History | None = None,
    now: float = NOW,
    ctr_rank_pct: float | None = 0.0,
) -> BudgetDecision | None:
    entity = entity or campaign()
    day = None
    for m in minutes:
        day = feed(day, m, ZONE)
    features = {"ctr_rank_pct": ctr_rank_pct}
    at = partial(
        metric_values, minutes, day=day, zone=ZONE, fields=entity.fields(), features=features
    )
    rule = RuleRef(id=rule_id, version=1, body=PLAYBOOK[rule_id].body)
    return decide(rule, entity, at(now), history or History(), False, now, at)


def test_every_play_is_a_valid_rulebook_draft() -> None:
    for draft in drafts():
        created = RuleCreate.model_validate(draft)
        assert created.kind == KIND == "condition"
        assert rule_kind(created.kind).validate(created.draft) == created.draft
        assert BudgetBody.model_validate(created.draft) == PLAYBOOK[created.id].body
    assert [d["id"] for d in drafts()] == [
        "budget.fast_stop_no_orders",
        "budget.fast_stop_low_ctr",
        "budget.fast_stop_low_roi",
        "budget.fast_scale_winners",
        "budget.fast_copy_winners",
    ]
    assert {d["scope"] for d in drafts()} == {"campaign", "creative"}


@pytest.mark.parametrize(
    ("case", "totals", "paused"),
    [
        ("¥620 spent, target CPA ¥300, no order", {"spend": 620 * YUAN}, True),
        ("exactly 2x the target CPA", {"spend": 600 * YUAN}, True),
        ("just under 2x", {"spend": 599 * YUAN}, False),
        ("one order", {"spend": 620 * YUAN, "orders": 1, "gmv": 80 * YUAN}, False),
    ],
)
def test_fast_stop_on_spend_without_orders_in_30_min(
    case: str, totals: dict[str, int], paused: bool
) -> None:
    d = judge("budget.fast_stop_no_orders", steady(30, **totals))

    assert (d is not None and d.result == "proposed") is paused, case
    if d is not None and case.startswith("¥620"):
        assert d.line() == (
            "PAUSE campaign 8812 (shop s1): spend ¥620.00 in 30 min, 0 orders | "
            "budget.fast_stop_no_orders v1"
        )


def test_spend_older_than_30_minutes_does_not_count() -> None:
    old = [CampaignMinute(minute=MINUTE - 40, spend=5000 * YUAN)]

    assert judge("budget.fast_stop_no_orders", old + spread(30, spend=100 * YUAN)) is None


@pytest.mark.parametrize(
    ("case", "impressions", "clicks", "paused"),
    [
        ("CTR 0.8% after 6,000 impressions", 6_000, 48, True),
        ("CTR 0.8% after 4,000 impressions", 4_000, 32, False),
        ("CTR 1.2% after 6,000 impressions", 6_000, 72, False),
        ("CTR exactly 1%", 6_000, 60, False),
    ],
)
def test_fast_stop_on_low_ctr_after_5000_impressions(
    case: str, impressions: int, clicks: int, paused: bool
) -> None:
    minutes = spread(60, impressions=impressions, clicks=clicks, spend=200 * YUAN)

    d = judge("budget.fast_stop_low_ctr", minutes)

    assert (d is not None and d.result == "proposed") is paused, case


def test_fast_scale_multiplies_by_1_2_and_stops_at_the_cap() -> None:
    entity, now, budgets = campaign(), float(NOW), []
    history = History()
    for _ in range(12):
        # ROI 3 against a target of 2, 6 orders, in the 15 minutes up to now
        winning = spread(15, int(now // 60), spend=1000 * YUAN, orders=6, gmv=3000 * YUAN)
        d = judge("budget.fast_scale_winners", winning, entity, history, now)
        assert d is not None
        if d.result == "proposed":
            entity = apply_to(apply_to(entity, d), d)  # delivered twice
            history = history.record(now, d.key)
        budgets.append((d.result, d.reason, entity.daily_budget))
        now += 601  # past the 10-minute cool-down

    assert [b for _, _, b in budgets[:8]] == [
        Decimal(x)
        for x in (
            "3600.00",
            "4320.00",
            "5184.00",
            "6220.80",
            "7464.96",
            "8957.96",
            "10000.00",
            "10000.00",
        )
    ]
    assert budgets[6][:2] == ("proposed", None)
    assert {b[:2] for b in budgets[7:]} == {("skipped", "cap_reached")}


@pytest.mark.parametrize(
    ("case", "totals", "scaled"),
    [
        ("ROI 3 with 6 orders", {"spend": 1000 * YUAN, "orders": 6, "gmv": 3000 * YUAN}, True),
        (
            "ROI exactly 1.2x the target",
            {"spend": 1000 * YUAN, "orders": 5, "gmv": 2400 * YUAN},
            True,
        ),
        ("only 4 orders", {"spend": 1000 * YUAN, "orders": 4, "gmv": 3000 * YUAN}, False),
        ("ROI 2.3", {"spend": 1000 * YUAN, "orders": 6, "gmv": 2300 * YUAN}, False),
    ],
)
def test_fast_scale_needs_roi_over_1_2x_target_and_5_orders_in_15_min(
    case: str, totals: dict[str, int], scaled: bool
) -> None:
    d = judge("budget.fast_scale_winners", spread(15, **totals))

    assert (d is not None and d.result == "proposed") is scaled, case


def test_fast_copy_clones_a_winning_creative_once() -> None:
    creative = campaign(kind="creative", id="cr-9001", campaign_id="8812")
    minutes = spread(60, spend=500 * YUAN, orders=8, gmv=1500 * YUAN)  # ROI 3

    d = judge("budget.fast_copy_winners", minutes, creative)
    assert d is not None
    later = judge(
        "budget.fast_copy_winners", minutes, creative, History().record(NOW, d.key), NOW + 60
    )

    assert (d.action, d.result) == ("copy", "proposed")
    assert d.changes["copy_daily_budget"].after == "500.00"
    assert later is not None
    assert (later.result, later.reason) == ("skipped", "cooldown")
    assert judge("budget.fast_copy_winners", minutes) is None  # campaigns are not copied
    # only a creative in its campaign's top 10 % by CTR is copied
    assert judge("budget.fast_copy_winners", minutes, creative, ctr_rank_pct=50.0) is None


@pytest.mark.parametrize(
    ("case", "match_score", "orders", "result"),
    [
        ("match 80: no fast-stop on ROI < 1 alone", 80.0, 2, ("skipped", "match_guard")),
        ("match 70: stopped", 70.0, 2, ("proposed", None)),
        ("match unknown: stopped", None, 2, ("proposed", None)),
    ],
)
def test_match_score_guard_blocks_a_pause_on_low_roi_alone(
    case: str, match_score: float | None, orders: int, result: tuple[str, str | None]
) -> None:
    minutes = steady(60, spend=700 * YUAN, orders=orders, gmv=350 * YUAN)  # ROI 0.5

    d = judge("budget.fast_stop_low_roi", minutes, campaign(match_score=match_score))

    assert d is not None
    assert (d.result, d.reason) == result, case


def test_match_score_guard_does_not_save_a_plan_burning_money_without_orders() -> None:
    minutes = steady(30, spend=700 * YUAN)
    entity = campaign(match_score=90.0)

    low_roi = judge("budget.fast_stop_low_roi", minutes, entity)
    no_orders = judge("budget.fast_stop_no_orders", minutes, entity)

    assert low_roi is not None  # ROI 0 < 1: held back, it fires on ROI alone
    assert (low_roi.result, low_roi.reason) == ("skipped", "match_guard")
    assert no_orders is not None
    assert no_orders.result == "proposed"


def test_ctr_rank_is_a_feature_the_engine_reads() -> None:
    """ "CTR in the campaign's top 10 %": the agent adds ``ctr_rank_pct`` to the values; a
    condition can read it once the vocabulary holds the name."""
    body = PLAYBOOK["budget.fast_copy_winners"].body
    ranked = body.model_copy(update={"condition": body.condition + " and ctr_rank_pct < 10"})
    rule = RuleRef(id="budget.fast_copy_winners", version=2, body=ranked)
    creative = campaign(kind="creative", id="cr-9001", campaign_id="8812")
    minutes = spread(60, spend=500 * YUAN, orders=8, gmv=1500 * YUAN)
    values = metric_values(minutes, NOW, day=None, zone=ZONE, fields=creative.fields())

    top = decide(rule, creative, values | {"ctr_rank_pct": 5.0}, History(), False, NOW)
    middling = decide(rule, creative, values | {"ctr_rank_pct": 40.0}, History(), False, NOW)

    assert top is not None
    assert top.observed["ctr_rank_pct"] == 5.0
    assert middling is None


def test_a_low_roi_stop_waits_until_the_roi_has_stayed_low_for_the_sustain_minutes() -> None:
    """An hour at ROI 3, then one expensive minute pulls the hour's ROI under 1: a blip,
    not yet a loser (judged every minute, a window dips by chance): skipped as not
    sustained. The same ROI held for the sustain minutes is stopped."""
    healthy = spread(60, spend=700 * YUAN, orders=12, gmv=2100 * YUAN)
    sudden = [CampaignMinute(minute=MINUTE + 1, spend=2000 * YUAN), *healthy]
    d = judge("budget.fast_stop_low_roi", sudden, now=(MINUTE + 1) * 60 + 30)

    assert d is not None and (d.result, d.reason) == ("skipped", "not_sustained")
    steadily_low = steady(60, spend=700 * YUAN, orders=2, gmv=350 * YUAN)
    d = judge("budget.fast_stop_low_roi", steadily_low)
    assert d is not None and d.result == "proposed"


def test_no_orders_at_all_stops_at_once() -> None:
    """Spend with no order is not noise: the no-orders stop needs no sustain."""
    d = judge("budget.fast_stop_no_orders", spread(30, spend=620 * YUAN))
    assert d is not None and d.result == "proposed"
