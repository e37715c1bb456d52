"""The budget comparison: the playbook's rules, judged by the workers' own code over a
simulated day, against no automation and against a 30-minute cadence."""

from __future__ import annotations

import random

import pytest

from warroom.evaluation.budget import Books, compare, rules, run_policy
from warroom.sim.world import build_world

START = 1_795_143_600.0  # 2026-11-19 11:00 in Beijing (shop-2 goes live at 12:00)


@pytest.fixture(scope="module")
def result() -> dict:
    return compare(build_world(random.Random(7)), 7, START, 8)


def test_without_automation_every_campaign_spends_and_half_of_it_is_wasted(result: dict) -> None:
    none = result["policies"]["none"]
    assert none["actions"] == {}
    assert none["wasted_spend"] > 0.3 * none["spend"]  # burners and losers run all day
    assert none["roi"] == round(none["gmv"] / none["spend"], 3)


def test_the_rules_pause_every_burner_and_waste_less(result: dict) -> None:
    none = result["policies"]["none"]
    for policy in ("sankuai_1m", "every_30m"):
        ran = result["policies"][policy]
        assert {"campaign:8809", "campaign:8819", "campaign:8829"} <= set(ran["acted_on"]["pause"])
        assert ran["wasted_spend"] < 0.5 * none["wasted_spend"]
        assert ran["roi"] > none["roi"]


def test_the_market_is_the_same_for_every_policy() -> None:
    """Same seed, same luck: a policy that never acts is the no-automation run."""
    world = build_world(random.Random(3))
    a = run_policy(world, 3, START, 2, None).report()
    b = run_policy(world, 3, START, 2, None).report()
    assert a == b and a["spend"] > 0


def test_judging_every_minute_acts_no_later_than_every_30_minutes() -> None:
    world = build_world(random.Random(7))
    fast, slow = Books(world, 7, START), Books(world, 7, START)
    refs = rules()
    paused_at: dict[str, dict[str, int]] = {"fast": {}, "slow": {}}
    for m in range(180):
        for name, books, every in (("fast", fast, 1), ("slow", slow, 30)):
            books.trade(START + 60 * m)
            if (m + 1) % every == 0:
                books.judge(refs, START + 60 * m + 59.999)
            for burner in ("8809", "8819", "8829"):
                if books.states[burner].status == "paused":
                    paused_at[name].setdefault(burner, m)
    assert paused_at["fast"].keys() == paused_at["slow"].keys() == {"8809", "8819", "8829"}
    for burner, minute in paused_at["fast"].items():
        assert minute <= paused_at["slow"][burner]
