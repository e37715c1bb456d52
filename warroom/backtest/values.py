"""The values a budget condition reads at one minute of history, from prefix sums.

The worker's ``metric_values`` sums the last hour's minutes into every window and
derives every metric (about 0.2 ms). A backtest asks at every minute of a day for every
entity, so it derives only the windows the rule reads (its condition's and the
guardrails' evidence window), each from one record holding that window's totals,
through the same ``window_totals`` (``today`` from the shop-local midnight). The names
it gives equal ``metric_values``' (a unit test checks it); campaign fields come from
the entity, features are unknown.
"""

from __future__ import annotations

from functools import lru_cache

from warroom.backtest.series import MinuteSeries
from warroom.rules.budget.engine import EntityState, compiled
from warroom.rules.budget.guardrails import evidence_window
from warroom.rules.budget.metrics import local_midnight, window_totals
from warroom.rules.budget.vocabulary import CAMPAIGN_FIELDS, FEATURES, METRICS
from warroom.rules.condition.closures import Values

SPANS = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "60m": 60}


@lru_cache(maxsize=256)
def needed(condition: str) -> dict[str, tuple[str, ...]]:
    """Window -> the metrics a rule reads in it: its condition's, and the spend,
    impressions and clicks of its evidence window (the ``min_data`` guardrail)."""
    names = compiled(condition).names
    out: dict[str, set[str]] = {}
    for name in names:
        metric, _, window = name.rpartition("_")
        if metric in METRICS:
            out.setdefault(window, set()).add(metric)
    out.setdefault(evidence_window(names), set()).update(("spend", "impressions", "clicks"))
    return {window: tuple(sorted(metrics)) for window, metrics in out.items()}


def values_at(
    series: MinuteSeries, minute: int, now: float, entity: EntityState, condition: str
) -> Values:
    """What ``metric_values`` gives the rule at ``now`` (in ``minute``), for its names."""
    values: dict[str, float | None] = {}
    for window, metrics in needed(condition).items():
        if window == "today":
            start = int(local_midnight(now, entity.time_zone) // 60)
        else:
            start = minute - SPANS[window] + 1
        record = series.record(minute, series.total(start, minute))
        totals = window_totals([record], now, 1)
        values.update({f"{metric}_{window}": totals[metric] for metric in metrics})
    fields = entity.fields()
    values.update({name: _float(fields.get(name)) for name in CAMPAIGN_FIELDS})
    values.update(dict.fromkeys(FEATURES))
    return values


def _float(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]
