"""Champion / challenger: the challenger is promoted only when it beats the champion on
the rolling metrics by the rule's margin, and a rollback swaps them back."""

from __future__ import annotations

from tests.unit.models.world import stream
from warroom.models.champion import Contest, Entry, PromotionRule
from warroom.models.match import MatchModel


class Constant:
    """A model that learned nothing: the same probability for everyone."""

    def predict_proba_one(self, x: object) -> float:
        return 0.07

    def learn_one(self, x: object, y: bool) -> None:
        pass


def run(contest: Contest, n: int) -> list[str]:
    switches = []
    for i, (x, y) in enumerate(stream(2, n)):
        p, shadow = contest.predict(x)
        contest.learn(x, y, p, shadow)
        if i % 250 == 0 and (switch := contest.judge()) is not None:  # as the agent's timer
            switches.append(f"{switch.action}:{switch.champion}")
    return switches


def test_a_better_challenger_is_promoted_once() -> None:
    contest = Contest(
        "match", Entry("const", Constant()), Entry("match@1", MatchModel()), PromotionRule()
    )
    assert run(contest, 8000) == ["promote:match@1"]
    assert contest.champion.version == "match@1" and contest.challenger is not None


def test_a_worse_challenger_stays_in_shadow() -> None:
    contest = Contest(
        "match", Entry("match@1", MatchModel()), Entry("const", Constant()), PromotionRule()
    )
    assert run(contest, 8000) == []
    assert contest.champion.version == "match@1"


def test_the_margin_is_configurable() -> None:
    strict = PromotionRule(min_auc_gain=0.5)
    contest = Contest("match", Entry("const", Constant()), Entry("m", MatchModel()), strict)
    assert run(contest, 5000) == []


def test_rollback_restores_the_former_champion_with_its_figures() -> None:
    contest = Contest(
        "match", Entry("const", Constant()), Entry("match@1", MatchModel()), PromotionRule()
    )
    assert run(contest, 8000) == ["promote:match@1"]
    switch = contest.rollback("asked by ops")
    assert switch is not None and switch.action == "rollback"
    assert (switch.champion, switch.previous) == ("const", "match@1")
    assert switch.previous_quality.auc is not None and switch.champion_quality.auc == 0.5


def test_no_challenger_means_nothing_to_promote_or_roll_back() -> None:
    contest = Contest("match", Entry("m", MatchModel()), None, PromotionRule(min_examples=1))
    assert run(contest, 100) == [] and contest.rollback("x") is None
