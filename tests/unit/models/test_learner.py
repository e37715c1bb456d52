"""The match learner on click and order events: in a market where one kind of viewer truly
buys more, its campaign scores and its rolling AUC show it; outcomes are learned only
after their prediction, once; the creator counters follow the events."""

from __future__ import annotations

import random

from tests.unit.models.clicks import T0, click, order
from warroom.models.champion import Entry, PromotionRule
from warroom.models.match import MatchModel
from warroom.models.trust import TrustParams
from warroom.streams.creator_stats import summed, trust_rates
from warroom.streams.matching import MatchLearner

NOW = T0 + 10 * 86400


def market(learner: MatchLearner, n: int, seed: int = 1) -> None:
    """Women buy product p1 (campaign cp-f targets women, cp-m men) 8× as often as men."""
    rng = random.Random(seed)
    for i in range(n):
        ts = T0 + i * 2.0
        woman = rng.random() < 0.5
        user = f"u{rng.randrange(3000)}"
        c = click(
            i,
            user,
            ts,
            gender="f" if woman else "m",
            campaign="cp-f" if woman else "cp-m",
            spending_power=rng.randint(1, 5),
        )
        learner.on_clicks([c], NOW)
        if rng.random() < (0.16 if woman else 0.02):
            learner.on_orders([order(i, user, ts + 30)], NOW)
        if i % 100 == 0:
            learner.resolve()
    learner.on_orders([order(n + 1, "nobody", T0 + n * 2.0 + 7200)], NOW)  # close the windows
    learner.resolve()


def test_the_learned_score_ranks_the_buying_audience_higher_and_beats_the_constant() -> None:
    learner = MatchLearner(window_s=600)
    market(learner, 12_000)
    report = learner.contest.champion.quality.report()
    # the best possible AUC here is 0.714 (gender is all there is to know)
    assert report.auc is not None and report.auc > 0.67
    assert report.logloss is not None and report.baseline_logloss is not None
    assert report.logloss < report.baseline_logloss
    scores = {s.id: s.score for s in learner.scores(NOW) if s.kind == "campaign"}
    assert scores["cp-f"] > 60 > 40 > scores["cp-m"]


def test_every_click_is_learned_once_after_its_outcome() -> None:
    learner = MatchLearner(window_s=600)
    learner.on_clicks([click(1, "u1", T0, gender="f"), click(2, "u2", T0, gender="m")], NOW)
    learner.on_clicks([click(1, "u1", T0, gender="f")], NOW)  # redelivered
    assert learner.contest.champion.quality.examples == 0  # nothing known yet
    learner.on_orders([order(1, "u1", T0 + 60)], NOW)
    learner.on_orders([order(1, "u1", T0 + 60)], NOW)  # redelivered
    assert learner.resolve() == 0  # outcomes are learned when their window closes
    learner.on_orders([order(9, "u9", T0 + 5000)], NOW)
    assert learner.resolve() == 2
    assert learner.contest.champion.quality.positives == 1
    assert learner.contest.champion.quality.examples == 2
    assert learner.contest.challenger is not None
    assert learner.contest.challenger.quality.examples == 2  # the shadow learned alike


def test_a_promotion_is_decided_by_the_rule() -> None:
    strict = MatchLearner(window_s=600, rule=PromotionRule(min_examples=1, min_auc_gain=0.5))
    market(strict, 600)
    assert strict.judge() is None  # no challenger beats the champion by 0.5 AUC
    # a champion that barely learns loses its seat to the challenger
    learner = MatchLearner("match@2", "match@1", PromotionRule(min_examples=500), window_s=600)
    slow = MatchModel(optimizer="sgd", lr=1e-6, intercept_lr=1e-6)
    learner.contest.champion = Entry("match@0", slow)
    market(learner, 6000)
    switch = learner.judge()
    assert switch is not None and switch.champion == "match@1" and switch.previous == "match@0"
    assert switch.champion_quality.auc > switch.previous_quality.auc + 0.01  # type: ignore[operator]
    assert learner.contest.champion.version == "match@1"


def test_creator_counters_feed_the_trust_rates() -> None:
    learner = MatchLearner(window_s=600)
    clicks = [click(i, f"u{i % 40}", T0 + i, creator="c7") for i in range(100)]
    learner.on_clicks(clicks, NOW)
    orders = [
        order(i, f"u{i % 10}", T0 + 100 * i, creator="c7", city="杭州" if i % 2 else "上海")
        for i in range(20)
    ]
    learner.on_orders(orders, NOW)
    [counters] = [c for c in learner.creators.records("w", NOW) if c.creator_id == "c7"]
    assert (counters.clickers, counters.repeat_clickers, counters.orders) == (40, 40, 20)
    assert counters.repeat_orders_48h == 10  # users u0..u9 each ordered twice
    rates, missing = trust_rates(summed([counters]), "杭州", TrustParams(min_impressions=1))
    assert rates["repurchase_48h"] == 0.5 and rates["same_city"] == 0.5
    assert rates["fan_penetration"] == 1.0
    assert missing["returns"] == "no refund events received yet"
    assert missing["interaction"] == "fewer than 1 impressions"
