"""Same-IP burst: more than N orders from one IP within any W seconds (sliding)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import Field

from warroom.rules.base import Hit, RuleParams

RULE_ID = "risk.same_ip_burst"
#: Order ids listed in a hit; ``observed["orders"]`` always has the full count.
MAX_EVIDENCE = 100
T = TypeVar("T")


class Params(RuleParams):
    max_orders: int = Field(
        5, ge=1, le=10_000, description="orders allowed per IP (device, user) in the window"
    )
    window_s: int = Field(60, ge=1, le=3600, description="length of the sliding window, seconds")
    score: float = Field(60, ge=0, le=100, description="risk score a hit adds")


def densest_window(
    items: Sequence[T], t: float, window_s: float, key: Callable[[T], float] | None = None
) -> tuple[int, int]:
    """Indices [lo, hi) of the fullest half-open window [s, s + W) that contains ``t``.

    ``items`` are sorted by time (``key`` gives an item's time; default: the item);
    ``t`` need not be one of them. The fullest such window starts at ``t`` or at one of
    the times in (t - W, t]: moving a start right up to the next item never loses one.

    >>> densest_window([0, 10, 20, 95], 20, 60)
    (0, 3)
    >>> densest_window([0, 50, 61, 70], 55, 10)  # t between items: the window [55, 65)
    (2, 3)
    """
    when: Callable[[T], float] = key or (lambda item: item)  # type: ignore[assignment,return-value]
    at_t = bisect_left(items, t, key=when)
    best = (at_t, bisect_left(items, t + window_s, at_t, key=when))
    first = bisect_right(items, t - window_s, key=when)
    last = bisect_right(items, t, key=when)
    for lo in range(first, last):
        hi = bisect_left(items, when(items[lo]) + window_s, lo, key=when)
        if hi - lo > best[1] - best[0]:
            best = (lo, hi)
        if hi == len(items):  # later starts only lose orders: in-order arrivals stop here
            break
    return best


def same_ip_burst(
    ip: str, ts: float, orders: Sequence[tuple[float, str]], params: Params
) -> Hit | None:
    """Judge the order at ``ts`` against the IP's orders around it (sorted by time).

    ``orders`` holds (epoch seconds, order id) pairs of this IP, the judged order
    included, covering at least [ts - W, ts + W]. The order is hit when some window
    of W seconds containing it holds more than ``max_orders`` orders. The evidence
    lists the first ``MAX_EVIDENCE`` order ids of that window.
    """
    return burst(RULE_ID, f"ip:{ip}", f"IP {ip}", ts, orders, params)


def burst(
    rule_id: str,
    entity: str,
    label: str,
    ts: float,
    orders: Sequence[tuple[float, str]],
    params: Params,
) -> Hit | None:
    """The burst rule for any entity (IP, device, user): see ``same_ip_burst``."""
    lo, hi = densest_window(orders, ts, params.window_s, key=_time)
    count = hi - lo
    if count <= params.max_orders:
        return None
    start, end = orders[lo][0], orders[hi - 1][0]
    return Hit(
        rule_id=rule_id,
        entity=entity,
        score=params.score,
        observed={"orders": count, "first_ts": start, "last_ts": end, "span_s": end - start},
        thresholds={"max_orders": params.max_orders, "window_s": params.window_s},
        explanation=(
            f"{count} orders from {label} within {end - start:.1f} s "
            f"(more than {params.max_orders} in {params.window_s} s)"
        ),
        evidence=tuple(order_id for _, order_id in orders[lo : min(hi, lo + MAX_EVIDENCE)]),
    )


def _time(order: tuple[float, str]) -> float:
    return order[0]
