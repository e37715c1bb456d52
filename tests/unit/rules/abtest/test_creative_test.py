"""Creative A/B tests: the mSPRT's always-valid p-value keeps the false positive rate at α
when the test is looked at after every batch (a naive z-test peeked at the same way does
not), finds a real lift, and a decided test copies the winner and stops the losers."""

from __future__ import annotations

import math
import random
from decimal import Decimal

import pytest

from warroom.errors import InvalidEntity
from warroom.rules.abtest.actions import decisions_of
from warroom.rules.abtest.creative_test import Counts, Params, judge
from warroom.rules.abtest.msprt import bernoulli, compare, p_value
from warroom.rules.registry import KINDS


def peeking_run(
    rng: random.Random, rate_a: float, rate_b: float, looks: int, step: int
) -> tuple[bool, bool]:
    """(mSPRT rejected, naive z-test rejected) at α = 0.05, looking after every ``step``."""
    a = b = n = 0
    best = 0.0
    naive = False
    for _ in range(looks):
        a += sum(rng.random() < rate_a for _ in range(step))
        b += sum(rng.random() < rate_b for _ in range(step))
        n += step
        arm_a, arm_b = bernoulli(a, n), bernoulli(b, n)
        assert arm_a is not None and arm_b is not None
        best = max(best, compare(arm_a, arm_b, (0.2 * max(arm_a.mean, 1e-3)) ** 2))
        z = (arm_b.mean - arm_a.mean) / math.sqrt(arm_a.variance + arm_b.variance)
        naive = naive or abs(z) > 1.96
    return p_value(best) <= 0.05, naive


def test_peeking_after_every_batch_keeps_the_false_positive_rate() -> None:
    rng = random.Random(11)
    runs = [peeking_run(rng, 0.1, 0.1, looks=50, step=200) for _ in range(200)]

    msprt = sum(r[0] for r in runs) / len(runs)
    naive = sum(r[1] for r in runs) / len(runs)
    assert msprt <= 0.05  # 200 A/A tests, looked at 50 times each
    assert naive > 0.15  # the peeking bias the mSPRT avoids


def test_a_real_lift_is_found() -> None:
    rng = random.Random(5)
    found = [peeking_run(rng, 0.10, 0.13, looks=50, step=200)[0] for _ in range(40)]

    assert sum(found) / len(found) > 0.8


P = Params(creatives=("ctl", "v1", "v2"), metric="ctr", min_trials=1000)


def test_the_best_significant_variant_wins_and_the_others_lose() -> None:
    counts = {
        "ctl": Counts(impressions=20_000, clicks=400),
        "v1": Counts(impressions=20_000, clicks=620),
        "v2": Counts(impressions=20_000, clicks=150),
    }
    out = judge(P, counts, {})

    assert out.winner == "v1" and sorted(out.losers) == ["ctl", "v2"]
    assert out.confidence is not None and out.confidence > 0.99
    assert out.means["v1"] == pytest.approx(0.031)


def test_no_decision_before_min_trials_or_without_a_difference() -> None:
    few = {c: Counts(impressions=500, clicks=10 if c != "v1" else 40) for c in P.creatives}
    same = {c: Counts(impressions=20_000, clicks=400) for c in P.creatives}

    assert judge(P, few, {}).winner is None
    assert judge(P, same, {}).winner is None


def test_roi_uses_spend_and_gmv() -> None:
    p = Params(creatives=("a", "b"), metric="roi", min_trials=100)
    counts = {
        "a": Counts(impressions=0, clicks=5000, orders=50, spend=5000.0, gmv=5000.0),
        "b": Counts(impressions=0, clicks=5000, orders=150, spend=5000.0, gmv=15000.0),
    }
    out = judge(p, counts, {})

    assert (out.winner, out.means) == ("b", {"a": 1.0, "b": 3.0})


def test_a_decided_test_copies_the_winner_and_pauses_the_losers() -> None:
    counts = {
        "ctl": Counts(impressions=20_000, clicks=400),
        "v1": Counts(impressions=20_000, clicks=620),
        "v2": Counts(impressions=20_000, clicks=400),
    }
    out = judge(P, counts, {})
    where = {c: ("camp-1", "shop-1") for c in P.creatives}

    made = decisions_of(("ab.t1", 2, "enforce", P), out, where, now=1_795_000_000.0)

    assert [(d.action, d.entity_id) for d in made] == [("copy", "v1"), ("pause", "ctl")]
    assert made[0].changes["copy_daily_budget"].after == str(Decimal(500))
    assert made[0].key == "ab.t1@v2|creative:v1|copy"
    assert decisions_of(("ab.t1", 2, "off", P), out, where, 0.0) == []


def test_params_are_validated_naming_the_field() -> None:
    with pytest.raises(InvalidEntity) as err:
        KINDS["ab_test"].validate({"params": {"creatives": ["a"]}})
    assert err.value.field == "draft.params.creatives"
    with pytest.raises(InvalidEntity) as err:
        KINDS["ab_test"].validate({"params": {"creatives": ["a", "a"]}})
    assert err.value.field == "draft.params.creatives"
