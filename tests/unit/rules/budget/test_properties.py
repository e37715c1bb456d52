"""Properties of the engine over any values and any sequence of decisions."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from warroom.rules.budget.body import BudgetBody
from warroom.rules.budget.effects import apply_to
from warroom.rules.budget.engine import EntityState, RuleRef, decide, remember
from warroom.rules.budget.guardrails import History
from warroom.schemas.budget import BudgetDecision

T0 = 1_731_326_400.0  # 2024-11-11 12:00 UTC
MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
FACTORS = st.sampled_from([1.01, 1.1, 1.2, 1.5, 2.0, 3.0])
MAYBE = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False), st.integers(0, 10_000))


def body(condition: str, action: dict[str, Any], mode: str = "enforce", **rails: Any) -> BudgetBody:
    guardrails = {"learning_minutes": 0, "cooldown_s": 0, "max_actions_per_day": 100} | rails
    return BudgetBody.model_validate(
        {"mode": mode, "condition": condition, "action": action, "guardrails": guardrails}
    )


def campaign(budget: Decimal, cap: Decimal, **overrides: Any) -> EntityState:
    fields = {"kind": "campaign", "id": "8812", "shop_id": "s1", "created_at": T0 - 86_400}
    return EntityState(**(fields | {"daily_budget": budget, "budget_cap": cap} | overrides))


@given(
    budget=MONEY,
    headroom=MONEY,
    steps=st.lists(st.tuples(FACTORS, st.integers(0, 3), st.booleans()), max_size=30),
)
def test_the_cap_is_never_exceeded_whatever_the_sequence_of_scale_decisions(
    budget: Decimal, headroom: Decimal, steps: list[tuple[float, int, bool]]
) -> None:
    """Rules with any factor decide minute after minute; decisions are delivered late,
    twice, or out of order; the budget only grows, and never above the cap."""
    cap = budget + headroom
    entity = campaign(budget, cap, conversions=10)
    values = {"roi_15m": 3.0, "orders_15m": 9, "target_roi": 2.0}
    delivered: list[BudgetDecision] = []
    for minute, (factor, redeliver, twice) in enumerate(steps):
        rule = RuleRef(
            id="scale", version=1, body=body("roi_15m >= 1", {"type": "scale", "factor": factor})
        )
        d = decide(rule, entity, values, History(), False, T0 + 60 * minute)
        assert d is not None
        if d.result == "proposed":
            assert d.changes["daily_budget"].after is not None
            assert Decimal(d.changes["daily_budget"].after) <= cap
        delivered.append(d)
        for late in [d, *delivered[-1 - redeliver :]] + ([d] if twice else []):
            before = entity.daily_budget
            entity = apply_to(entity, late)
            assert entity.daily_budget is not None
            assert before is not None
            assert before <= entity.daily_budget <= cap
    assert entity.budget_cap == cap


VALUES = st.fixed_dictionaries(
    {"roi_15m": MAYBE, "orders_15m": MAYBE, "spend_30m": MAYBE, "target_roi": MAYBE}
)


@given(
    values=VALUES,
    low=st.floats(0, 100, allow_nan=False),
    raise_by=st.floats(0, 100, allow_nan=False),
    action=st.sampled_from([{"type": "pause"}, {"type": "scale", "factor": 1.2}]),
    mode=st.sampled_from(["enforce", "shadow"]),
    cooled=st.booleans(),
)
def test_raising_a_threshold_never_adds_actions(
    values: dict[str, Any],
    low: float,
    raise_by: float,
    action: dict[str, Any],
    mode: str,
    cooled: bool,
) -> None:
    high = low + raise_by
    entity = campaign(Decimal("3000"), Decimal("10000"), match_score=80.0)
    history = History().record(T0 - 60, "earlier") if cooled else History()

    def outcome(x: float) -> tuple[bool, bool]:
        rule = RuleRef(
            id="r", version=1, body=body(f"roi_15m >= {x!r}", action, mode, cooldown_s=600)
        )
        d = decide(rule, entity, values, history, False, T0)
        return d is not None, d is not None and d.result == "proposed"

    decided_high, proposed_high = outcome(high)
    decided_low, proposed_low = outcome(low)
    assert decided_low or not decided_high
    assert proposed_low or not proposed_high


ANY_RULE = st.builds(
    lambda condition, action, mode: body(condition, action, mode),
    st.sampled_from(
        ["roi_15m >= 1", "spend_30m >= 100 and orders_15m == 0", "roi_15m < 1", "true"]
    ),
    st.sampled_from(
        [
            {"type": "pause"},
            {"type": "scale", "factor": 1.5},
            {"type": "copy", "initial_budget": "500.00"},
        ]
    ),
    st.sampled_from(["enforce", "shadow"]),
)


@given(
    rule_body=ANY_RULE,
    kind=st.sampled_from(["campaign", "creative"]),
    values=VALUES,
    kill_switch=st.booleans(),
)
def test_kill_switch_skips_everything_and_shadow_never_proposes(
    rule_body: BudgetBody, kind: str, values: dict[str, Any], kill_switch: bool
) -> None:
    entity = campaign(Decimal("100"), Decimal("1000"), kind=kind, id="e1")

    d = decide(
        RuleRef(id="r", version=1, body=rule_body), entity, values, History(), kill_switch, T0
    )

    if d is None:
        return
    if kill_switch:
        assert (d.result, d.reason) == ("skipped", "kill_switch")
    if rule_body.mode == "shadow":
        assert d.result == "skipped"
    if d.result != "proposed":
        assert apply_to(entity, d) == entity


@given(
    budget=MONEY,
    headroom=MONEY,
    order=st.lists(st.integers(0, 5), min_size=1, max_size=20),
)
def test_applying_decisions_twice_gives_what_applying_them_once_does(
    budget: Decimal, headroom: Decimal, order: list[int]
) -> None:
    entity = campaign(budget, budget + headroom)
    scale = RuleRef(id="s", version=1, body=body("true", {"type": "scale", "factor": 1.2}))
    pause = RuleRef(id="p", version=1, body=body("true", {"type": "pause"}))
    decisions = []
    state = entity
    for minute in range(6):
        for rule in (scale, pause) if minute == 5 else (scale,):
            d = decide(rule, state, {}, History(), False, T0 + 60 * minute)
            if d is not None:
                decisions.append(d)
                state = apply_to(state, d)
    once = entity
    for d in decisions:
        once = apply_to(once, d)
    twice = entity
    for i in order:
        twice = apply_to(twice, decisions[i % len(decisions)])
    for d in decisions:
        twice = apply_to(apply_to(twice, d), d)
    assert (
        (twice.daily_budget, twice.status)
        == (once.daily_budget, once.status)
        == (
            state.daily_budget,
            state.status,
        )
    )


@given(
    minutes=st.lists(st.floats(0, 86_399, allow_nan=False), max_size=12),
    cooldown=st.integers(0, 7200),
)
def test_enforced_actions_respect_the_cooldown_and_daily_limit(
    minutes: list[float], cooldown: int
) -> None:
    """However often the agent evaluates, recorded actions are at least a cool-down apart
    and at most the daily limit per local day."""
    rule = RuleRef(
        id="p",
        version=1,
        body=body("true", {"type": "pause"}, cooldown_s=cooldown, max_actions_per_day=3),
    )
    entity = campaign(Decimal("100"), Decimal("100"), time_zone="UTC")
    history = History()
    day = T0 - T0 % 86_400
    for t in sorted(day + m for m in minutes):
        d = decide(rule, entity, {}, history, False, t)
        assert d is not None
        history = remember(history, d)
    times = [t for t, _ in history.entries]
    assert all(b - a >= cooldown for a, b in pairwise(times))
    assert len(times) <= 3
