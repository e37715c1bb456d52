"""The rulebook: current version of each rule; published versions only move forward."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.errors import VersionConflict
from warroom.rules.budget.playbook import PLAYBOOK
from warroom.rules.risk import same_ip_burst
from warroom.rules.risk.scoring import Thresholds
from warroom.rules.rulebook import Rulebook, RuleVersion
from warroom.schemas.control import RulePublished

BURST = same_ip_burst.RULE_ID


def burst(version: int, mode: str = "enforce", max_orders: int = 5) -> RuleVersion:
    return RuleVersion(BURST, version, mode, same_ip_burst.Params(max_orders=max_orders))  # type: ignore[arg-type]


def test_defaults_enforce_version_1_of_burst_and_thresholds() -> None:
    book = Rulebook()

    assert book.current(BURST).version == 1
    assert book.current(BURST).mode == "enforce"
    assert book.current(BURST).params == same_ip_burst.Params()
    assert book.current("risk.thresholds").params == Thresholds()


def test_publishing_a_newer_version_makes_it_current() -> None:
    book = Rulebook()

    book.publish(burst(2, "shadow", max_orders=8))

    current = book.current(BURST)
    assert (current.version, current.mode) == (2, "shadow")
    assert current.params.max_orders == 8  # type: ignore[attr-defined]


@pytest.mark.parametrize("stale", [1, 0])
def test_same_or_older_version_is_refused_and_current_kept(stale: int) -> None:
    book = Rulebook()
    book.publish(burst(2, max_orders=8))

    with pytest.raises(VersionConflict, match="at v2"):
        book.publish(burst(stale, max_orders=3))

    assert book.current(BURST).version == 2
    assert book.current(BURST).params.max_orders == 8  # type: ignore[attr-defined]


def test_a_new_rule_can_be_published_at_any_version() -> None:
    book = Rulebook()
    new = RuleVersion("risk.card_velocity", 7, "shadow", same_ip_burst.Params())

    book.publish(new)

    assert book.current("risk.card_velocity") is new


def test_unknown_rule_is_an_error() -> None:
    with pytest.raises(KeyError):
        Rulebook().current("risk.does_not_exist")


def test_publishing_to_one_rulebook_leaves_another_untouched() -> None:
    a, b = Rulebook(), Rulebook()

    a.publish(burst(5))

    assert b.current(BURST).version == 1


def test_a_shop_rule_reaches_the_worker_with_its_shop() -> None:
    book = Rulebook()
    body = PLAYBOOK["budget.fast_stop_no_orders"].body.model_dump(mode="json")
    message = RulePublished(
        rule_id="budget.mine",
        version=1,
        kind="condition",
        family="budget",
        scope="campaign",
        shop_id="shop-7",
        body=body,
        published_at=datetime.now(UTC),
        published_by="wk_buyer",
    )

    assert book.apply(message)
    assert [(v.rule_id, v.shop_id) for v in book.budget_rules("campaign")] == [
        ("budget.mine", "shop-7")
    ]
