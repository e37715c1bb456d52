"""Shadow comparison: a rule's candidate judged beside its live version on one event;
the worker rulebook's candidates; the API's tally of comparisons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.rules.base import Hit
from warroom.rules.risk import price_deviation, same_ip_burst
from warroom.rules.risk.price_stats import RunningMean
from warroom.rules.risk.shadow import compare
from warroom.rules.rulebook import Mode, Rulebook, RuleVersion
from warroom.schemas.control import RuleCandidate, RulePublished
from warroom.schemas.shadow import ShadowComparison
from warroom.streams.shadow_tally import MAX_DISAGREEMENTS, ShadowTally

T0 = 1_731_326_400.0
NOW = datetime(2024, 11, 11, 12, tzinfo=UTC)
IP_RULE = same_ip_burst.RULE_ID


def burst_version(version: int, max_orders: int, mode: Mode = "enforce") -> RuleVersion:
    return RuleVersion(IP_RULE, version, mode, same_ip_burst.Params(max_orders=max_orders))


def burst_of(count: int) -> Callable[[same_ip_burst.Params], Hit | None]:
    orders = [(T0 + i, f"o{i}") for i in range(count)]

    def judge(p: same_ip_burst.Params) -> Hit | None:
        return same_ip_burst.same_ip_burst("10.0.0.1", T0 + count - 1, orders, p)

    return judge


def compared(count: int, live: RuleVersion, candidate: RuleVersion) -> ShadowComparison | None:
    return compare(burst_of(count), live, candidate, f"o{count - 1}", "shop-1", NOW, NOW)


@pytest.mark.parametrize(
    ("orders", "live_max", "candidate_max", "expected"),
    [
        (5, 5, 8, None),  # neither fires: nothing to compare
        (7, 5, 8, (True, False)),  # the live limit fires, the relaxed candidate does not
        (9, 5, 8, (True, True)),  # both fire
        (7, 8, 5, (False, True)),  # a stricter candidate fires alone
        (6, 5, 5, (True, True)),  # the same parameters agree
    ],
)
def test_a_table_of_comparisons(
    orders: int, live_max: int, candidate_max: int, expected: tuple[bool, bool] | None
) -> None:
    c = compared(orders, burst_version(2, live_max), burst_version(3, candidate_max))
    assert (c and (c.live_hit, c.candidate_hit)) == expected
    if c is not None:
        assert (c.rule_id, c.live_version, c.candidate_version) == (IP_RULE, 2, 3)
        assert (c.live_observed is None) != c.live_hit
        assert (c.candidate_observed or c.live_observed or {})["orders"] == orders


def test_a_candidate_switched_off_never_fires() -> None:
    c = compared(9, burst_version(2, 5), burst_version(3, 5, mode="off"))
    assert c is not None and (c.live_hit, c.candidate_hit) == (True, False)


@given(
    orders=st.integers(1, 40),
    live_max=st.integers(1, 30),
    raise_by=st.integers(0, 30),
)
def test_a_candidate_with_a_higher_threshold_never_fires_where_the_live_one_does_not(
    orders: int, live_max: int, raise_by: int
) -> None:
    c = compared(orders, burst_version(1, live_max), burst_version(2, live_max + raise_by))
    assert c is None or c.live_hit or not c.candidate_hit


def test_price_deviation_compares_its_floor() -> None:
    history = RunningMean.seeded(100.0, 50)

    def judge(p: price_deviation.Params) -> Hit | None:
        return price_deviation.price_deviation("k1", Decimal("65.00"), history, p)

    live = RuleVersion(price_deviation.RULE_ID, 1, "enforce", price_deviation.Params())
    looser = RuleVersion(
        price_deviation.RULE_ID, 2, "enforce", price_deviation.Params(max_below_pct=40)
    )
    c = compare(judge, live, looser, "o1", "shop-1", NOW, NOW)
    assert c is not None and (c.live_hit, c.candidate_hit) == (True, False)
    assert c.live_observed is not None and c.live_observed["direction"] == "below"


def candidate_message(version: int, max_orders: int | None) -> RuleCandidate:
    body = None if max_orders is None else {"mode": "enforce", "params": {"max_orders": max_orders}}
    return RuleCandidate(
        rule_id=IP_RULE, version=version, kind="same_ip_burst", body=body, at=NOW, by="t"
    )


def published(version: int) -> RulePublished:
    return RulePublished(
        rule_id=IP_RULE,
        version=version,
        kind="same_ip_burst",
        family="risk",
        scope="order",
        shop_id=None,
        body={"mode": "enforce", "params": {}},
        published_at=NOW,
        published_by="t",
    )


def test_the_rulebook_runs_a_candidate_until_it_ends_or_a_publish_supersedes_it() -> None:
    book = Rulebook()
    assert book.candidate(IP_RULE) is None
    assert book.apply_candidate(candidate_message(1, 8)) is False  # not newer than live v1
    assert book.apply_candidate(candidate_message(2, 8))
    candidate = book.candidate(IP_RULE)
    assert candidate is not None
    assert candidate.params == same_ip_burst.Params(max_orders=8)
    assert [v.version for v in book.running(IP_RULE)] == [1, 2]
    assert book.current(IP_RULE).version == 1  # the live version is untouched
    assert book.apply_candidate(candidate_message(2, None))
    assert book.candidate(IP_RULE) is None
    assert book.apply_candidate(candidate_message(2, None)) is False  # redelivered end

    assert book.apply_candidate(candidate_message(3, 9))
    assert book.apply(published(4))  # a publish promotes the draft: the candidate ends
    assert book.candidate(IP_RULE) is None


def test_the_tally_counts_each_pair_and_keeps_the_latest_disagreements() -> None:
    tally = ShadowTally()
    live, candidate = burst_version(2, 5), burst_version(3, 8)
    for n in (7, 9, 9, 7):
        c = compared(n, live, candidate)
        assert c is not None
        tally.add(c)
    report = tally.report(IP_RULE, 2, 3)
    assert (report.events_judged_by_either, report.live_hits, report.candidate_hits) == (4, 4, 2)
    assert (report.both, report.only_live, report.only_candidate) == (2, 2, 0)
    assert [d.order_id for d in report.disagreements] == ["o6", "o6"]
    assert report.disagreements[0].observed["orders"] == 7
    assert tally.report(IP_RULE, 2, 4).events_judged_by_either == 0
    assert tally.report(IP_RULE, 2, None).candidate_version == 3  # the last pair seen

    c = compared(7, live, candidate)
    assert c is not None
    for _ in range(MAX_DISAGREEMENTS + 10):
        tally.add(c)
    assert len(tally.report(IP_RULE, 2, 3).disagreements) == MAX_DISAGREEMENTS
