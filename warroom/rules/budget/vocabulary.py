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

#: Features computed beside the metrics: ``ctr_rank_pct`` is a creative's CTR rank over
#: the last hour among its campaign's creatives, as "top X %" (0 = the best).
FEATURES = ("ctr_rank_pct",)

#: Every name a condition may read, e.g. ``spend_30m``, ``target_cpa`` or ``ctr_rank_pct``.
NAMES = frozenset(
    {f"{m}_{w}" for m in METRICS for w in WINDOWS} | set(CAMPAIGN_FIELDS) | set(FEATURES)
)
