"""Same-IP burst: more than N orders from one IP within any W seconds (sliding)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from pydantic import Field

from warroom.rules.base import Hit, RuleParams

RULE_ID = "risk.same_ip_burst"


class Params(RuleParams):
    max_orders: int = Field(5, ge=1, le=10_000, description="orders allowed per IP in the window")
    window_s: int = Field(60, ge=1, le=3600, description="length of the sliding window, seconds")
    score: float = Field(60, ge=0, le=100, description="risk score a hit adds")


def densest_window(times: Sequence[float], t: float, window_s: float) -> tuple[int, int]:
    """Indices [lo, hi) of the fullest half-open window [s, s + W) that contains ``t``.

    ``times`` is sorted. The fullest such window starts at one of the times in (t - W, t].

    >>> densest_window([0, 10, 20, 95], 20, 60)
    (0, 3)
    """
    best = (0, 0)
    first = bisect_right(times, t - window_s)
    last = bisect_right(times, t)
    for lo in range(first, last):
        hi = bisect_left(times, times[lo] + window_s, lo)
        if hi - lo > best[1] - best[0]:
            best = (lo, hi)
    return best


def same_ip_burst(
    ip: str, ts: float, orders: Sequence[tuple[float, str]], params: Params
) -> Hit | None:
    """Judge the order at ``ts`` against the IP's orders around it (sorted by time).

    ``orders`` holds (epoch seconds, order id) pairs of this IP, the judged order
    included, covering at least [ts - W, ts + W]. The order is hit when some window
    of W seconds containing it holds more than ``max_orders`` orders.
    """
    times = [when for when, _ in orders]
    lo, hi = densest_window(times, ts, params.window_s)
    count = hi - lo
    if count <= params.max_orders:
        return None
    start, end = orders[lo][0], orders[hi - 1][0]
    return Hit(
        rule_id=RULE_ID,
        entity=f"ip:{ip}",
        score=params.score,
        observed={"orders": count, "first_ts": start, "last_ts": end, "span_s": end - start},
        thresholds={"max_orders": params.max_orders, "window_s": params.window_s},
        explanation=(
            f"{count} orders from IP {ip} within {end - start:.1f} s "
            f"(more than {params.max_orders} in {params.window_s} s)"
        ),
        evidence=tuple(order_id for _, order_id in orders[lo:hi]),
    )
