"""The names a budget-rule condition may use: live metrics per window, and campaign fields."""

from __future__ import annotations

METRICS = (
    "impressions",
    "plays",
    "clicks",
    "spend",
    "orders",
    "gmv",
    "ctr",
    "cvr",
    "cpa",
    "roi",
    "gpm",
    "completion_rate",
)
WINDOWS = ("1m", "5m", "15m", "30m", "60m", "today")
CAMPAIGN_FIELDS = ("target_cpa", "target_roi", "daily_budget", "budget_cap", "bid", "match_score")

#: Every name a condition may read, e.g. ``spend_30m`` or ``target_cpa``.
NAMES = frozenset({f"{m}_{w}" for m in METRICS for w in WINDOWS} | set(CAMPAIGN_FIELDS))
