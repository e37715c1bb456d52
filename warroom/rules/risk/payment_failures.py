"""Repeated payment failures: more than N failed payments per user or card in any W seconds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from warroom.rules.base import Hit, RuleParams
from warroom.rules.risk.same_ip_burst import MAX_EVIDENCE, densest_window

RULE_ID = "risk.payment_failures"
PayerKind = Literal["user", "card"]


class Params(RuleParams):
    max_failures: int = Field(
        3, ge=1, le=10_000, description="failed payments allowed per user or card in the window"
    )
    window_s: int = Field(600, ge=1, le=86_400, description="length of the sliding window, seconds")
    score: float = Field(40, ge=0, le=100, description="risk score a hit adds")


def payment_failures(
    kind: PayerKind, key: str, ts: float, failures: Sequence[tuple[float, str]], params: Params
) -> Hit | None:
    """Judge the payment at ``ts`` against the failed payments of its user or card.

    ``failures`` holds (epoch seconds, payment id) pairs of this user's (or card
    hash's) *failed* payments, sorted by time, covering at least [ts - W, ts + W].
    The judged payment may be a failure (then it is in the list) or a success that
    follows a run of failures (card testing): either way it is hit when some
    window of W seconds containing ``ts`` holds more than ``max_failures`` failures.

    >>> failed = [(100.0 + i, f"p{i}") for i in range(4)]
    >>> payment_failures("card", "c9f2", 103.0, failed, Params()).observed["failures"]
    4
    >>> payment_failures("user", "u1", 103.0, failed[:3], Params()) is None
    True
    """
    lo, hi = densest_window(failures, ts, params.window_s, key=_time)
    count = hi - lo
    if count <= params.max_failures:
        return None
    start, end = failures[lo][0], failures[hi - 1][0]
    return Hit(
        rule_id=RULE_ID,
        entity=f"{kind}:{key}",
        score=params.score,
        observed={"failures": count, "first_ts": start, "last_ts": end, "span_s": end - start},
        thresholds={"max_failures": params.max_failures, "window_s": params.window_s},
        explanation=(
            f"{count} failed payments by {kind} {key} within {end - start:.1f} s "
            f"(more than {params.max_failures} in {params.window_s} s)"
        ),
        evidence=tuple(pid for _, pid in failures[lo : min(hi, lo + MAX_EVIDENCE)]),
    )


def _time(failure: tuple[float, str]) -> float:
    return failure[0]
