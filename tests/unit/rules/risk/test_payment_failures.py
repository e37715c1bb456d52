"""Repeated payment failures: more than 3 failed payments per user or card in any 600 s."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from warroom.rules.risk.payment_failures import RULE_ID, Params, PayerKind, payment_failures

#: 2024-11-11 12:00:00 UTC.
T0 = 1_731_326_400


def failed_at(*offsets: float) -> list[tuple[float, str]]:
    return sorted((T0 + off, f"PAY{i:05d}") for i, off in enumerate(offsets))


@pytest.mark.parametrize(
    ("case", "offsets", "judged", "expected"),
    [
        ("three failures: allowed", (0, 60, 120), 120, None),
        ("four failures in two minutes", (0, 60, 90, 120), 120, 4),
        ("four, first and last exactly 600 s apart", (0, 200, 400, 600), 600, None),
        ("four within 599 s", (0, 200, 400, 599), 599, 4),
        ("a success right after four failures (card testing)", (0, 1, 2, 3), 4, 4),
        ("a success an hour after four failures", (0, 1, 2, 3), 3600, None),
        ("a success before the failures start", (10, 11, 12, 13), 0, 4),
        ("failures spread over an hour", (0, 900, 1800, 2700, 3600), 3600, None),
        ("no failures at all", (), 0, None),
    ],
)
@pytest.mark.parametrize("kind", ["user", "card"])
def test_default_rule_on_a_table_of_failure_logs(
    kind: PayerKind, case: str, offsets: tuple[float, ...], judged: float, expected: int | None
) -> None:
    hit = payment_failures(kind, "x", T0 + judged, failed_at(*offsets), Params())

    if expected is None:
        assert hit is None, case
    else:
        assert hit is not None, case
        assert hit.observed["failures"] == len(hit.evidence) == expected


@pytest.mark.parametrize(
    ("kind", "key", "entity"),
    [("user", "ks_88231", "user:ks_88231"), ("card", "c0ffee42", "card:c0ffee42")],
)
def test_hit_names_the_payer_and_the_failures(kind: PayerKind, key: str, entity: str) -> None:
    failures = failed_at(0, 30, 60, 90)

    hit = payment_failures(kind, key, T0 + 90, failures, Params())

    assert hit is not None
    assert hit.rule_id == RULE_ID == "risk.payment_failures"
    assert hit.entity == entity
    assert hit.score == 40
    assert hit.observed == {"failures": 4, "first_ts": T0, "last_ts": T0 + 90, "span_s": 90}
    assert hit.thresholds == {"max_failures": 3, "window_s": 600}
    assert hit.evidence == ("PAY00000", "PAY00001", "PAY00002", "PAY00003")
    assert hit.explanation == (
        f"4 failed payments by {kind} {key} within 90.0 s (more than 3 in 600 s)"
    )


@pytest.mark.parametrize(
    "bad",
    [{"max_failures": 0}, {"window_s": 0}, {"window_s": 86_401}, {"score": 200}, {"n": 3}],
)
def test_out_of_range_parameters_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        Params(**bad)


# -- properties -------------------------------------------------------------------------------

kinds = st.sampled_from(["user", "card"])


@st.composite
def failure_logs(draw: st.DrawFn) -> tuple[list[tuple[float, str]], float]:
    """A sorted log of failed payments and the (whole-second) time of the judged payment."""
    failures = failed_at(*draw(st.lists(st.integers(0, 1800), max_size=20)))
    return failures, T0 + draw(st.integers(0, 1800))


def brute_force_count(times: Sequence[float], t: float, window_s: int) -> int:
    starts = range(int(t) - window_s + 1, int(t) + 1)
    return max(sum(1 for x in times if s <= x < s + window_s) for s in starts)


@given(failure_logs(), kinds, st.integers(1, 6), st.integers(1, 900))
def test_matches_brute_force_reference(
    log: tuple[list[tuple[float, str]], float], kind: PayerKind, max_failures: int, window_s: int
) -> None:
    failures, ts = log
    expected = brute_force_count([t for t, _ in failures], ts, window_s)

    hit = payment_failures(
        kind, "x", ts, failures, Params(max_failures=max_failures, window_s=window_s)
    )

    assert (hit is None) == (expected <= max_failures)
    if hit is not None:
        assert hit.observed["failures"] == expected


@given(failure_logs(), kinds, st.integers(1, 6), st.integers(1, 6))
def test_raising_max_failures_never_adds_hits(
    log: tuple[list[tuple[float, str]], float], kind: PayerKind, low: int, high: int
) -> None:
    assume(low <= high)
    failures, ts = log
    strict = payment_failures(kind, "x", ts, failures, Params(max_failures=low))
    lenient = payment_failures(kind, "x", ts, failures, Params(max_failures=high))
    assert not (lenient is not None and strict is None)


@given(failure_logs(), kinds, st.integers(1, 900), st.integers(1, 900))
def test_shrinking_the_window_never_adds_hits(
    log: tuple[list[tuple[float, str]], float], kind: PayerKind, short: int, long: int
) -> None:
    assume(short <= long)
    failures, ts = log
    narrow = payment_failures(kind, "x", ts, failures, Params(window_s=short))
    wide = payment_failures(kind, "x", ts, failures, Params(window_s=long))
    assert not (narrow is not None and wide is None)


@given(failure_logs(), kinds, st.integers(1, 6), st.integers(1, 900))
def test_hits_are_consistent_with_their_thresholds(
    log: tuple[list[tuple[float, str]], float], kind: PayerKind, max_failures: int, window_s: int
) -> None:
    failures, ts = log

    hit = payment_failures(
        kind, "x", ts, failures, Params(max_failures=max_failures, window_s=window_s)
    )

    if hit is not None:
        assert hit.observed["failures"] > hit.thresholds["max_failures"]
        assert hit.observed["span_s"] < hit.thresholds["window_s"]
        assert hit.observed["last_ts"] - window_s < ts < hit.observed["first_ts"] + window_s
