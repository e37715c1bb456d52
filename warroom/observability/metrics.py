"""Every Prometheus metric warroom exports, defined once, with the helpers that the few
central points call (ingest, dead letters, verdicts, budget decisions, the actuator,
the warehouse sink).

Counters are per process: a worker counts what it consumed and produced, an API process
what it ingested over HTTP. Labels stay bounded: topic names, rule ids, results, table
names, dead-letter reasons as ``deadletter.reason_key`` shortens them. Nothing here
imports faust, a client or the store, so the API and the worker share it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from warroom.schemas.budget import BudgetDecision
    from warroom.schemas.decisions import Verdict

#: Seconds from an event's time to the decision on it: 5 ms to 1 min.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
#: Rows per warehouse insert.
ROWS_BUCKETS = (1, 10, 100, 1_000, 5_000, 10_000, 20_000, 50_000, 100_000)

EVENTS_IN = Counter(
    "warroom_events_in",
    "Events read from an input topic by ingest (valid and refused)",
    ["topic"],
)
EVENTS_OUT = Counter("warroom_events_out", "Records written to a topic (in envelopes)", ["topic"])
HTTP_INGEST = Counter(
    "warroom_http_ingest_events",
    "Events posted to POST /v1/events/{kind}: accepted, or rejected in the response",
    ["kind", "outcome"],
)
DEADLETTERS = Counter(
    "warroom_deadletters", "Events sent to the dead-letter topic", ["source", "reason"]
)
VERDICTS = Counter("warroom_verdicts", "Risk verdicts sent", ["outcome", "mode"])
RULE_HITS = Counter("warroom_rule_hits", "Rule hits in the verdicts sent", ["rule_id"])
VERDICT_LATENCY = Histogram(
    "warroom_verdict_latency_seconds",
    "From an order's or payment's event time to its verdict",
    buckets=LATENCY_BUCKETS,
)
BUDGET_DECISIONS = Counter(
    "warroom_budget_decisions",
    "Budget decisions emitted by the rules (proposed, or skipped by a guardrail)",
    ["rule_id", "mode", "result"],
)
ACTIONS = Counter(
    "warroom_actions",
    "Budget decisions settled by the actuator: applied, skipped (with reason), failed",
    ["action", "result", "reason"],
)
ACTION_LATENCY = Histogram(
    "warroom_action_latency_seconds",
    "From a budget decision to its settled result (applied, skipped, failed)",
    buckets=LATENCY_BUCKETS,
)
SINK_BATCH_ROWS = Histogram(
    "warroom_sink_batch_rows", "Rows per warehouse insert", ["table"], buckets=ROWS_BUCKETS
)
SINK_FAILURES = Counter(
    "warroom_sink_flush_failures", "Warehouse inserts that failed (retried later)", ["table"]
)
SINK_PAUSED = Gauge("warroom_sink_paused", "1 while the warehouse sink waits for ClickHouse")
SINK_LAG = Gauge(
    "warroom_sink_lag",
    "Messages the warehouse sink has not read yet, as of its last poll",
    ["topic", "partition"],
)
#: The hook for warroom/models/: one gauge family for every model's rolling metrics,
#: e.g. ``model_metric("match_score", "auc", 0.81)``.
MODEL_METRIC = Gauge(
    "warroom_model_metric",
    "A model's latest rolling metric (AUC, log-loss, ...)",
    ["model", "metric"],
)
MODEL_PREDICTIONS = Counter("warroom_model_predictions", "Predictions made", ["model"])


def events_in(topic: str, n: int) -> None:
    EVENTS_IN.labels(topic).inc(n)


def events_out(topic: str, n: int) -> None:
    EVENTS_OUT.labels(topic).inc(n)


def http_ingest(kind: str, accepted: int, rejected: int) -> None:
    HTTP_INGEST.labels(kind, "accepted").inc(accepted)
    HTTP_INGEST.labels(kind, "rejected").inc(rejected)


def deadletters(source: str, reasons: Iterable[str]) -> None:
    for reason in reasons:
        DEADLETTERS.labels(source, reason).inc()


def verdicts(sent: Sequence[Verdict], now: float | None = None) -> None:
    """Count verdicts and their rule hits; observe event time → verdict."""
    now = time.time() if now is None else now
    for verdict in sent:
        VERDICTS.labels(verdict.outcome, verdict.mode).inc()
        VERDICT_LATENCY.observe(max(0.0, now - verdict.event_ts.timestamp()))
        for hit in verdict.hits:
            RULE_HITS.labels(hit.rule_id).inc()


def budget_decisions(sent: Sequence[BudgetDecision]) -> None:
    for decision in sent:
        BUDGET_DECISIONS.labels(decision.rule_id, decision.mode, decision.result).inc()


def action(decision: BudgetDecision, now: float | None = None) -> None:
    """One settled decision; ``reason`` only for skips (its values are few)."""
    now = time.time() if now is None else now
    reason = decision.reason or "" if decision.result == "skipped" else ""
    ACTIONS.labels(decision.action, decision.result, reason).inc()
    ACTION_LATENCY.observe(max(0.0, now - decision.decided_at.timestamp()))


def sink_flush(table: str, rows: int) -> None:
    SINK_BATCH_ROWS.labels(table).observe(rows)


def sink_failure(table: str) -> None:
    SINK_FAILURES.labels(table).inc()


def sink_paused(paused: bool) -> None:
    SINK_PAUSED.set(1 if paused else 0)


def sink_lag(topic: str, partition: int, end: int | None, last_read: int) -> None:
    if end is not None:
        SINK_LAG.labels(topic, str(partition)).set(max(0, end - last_read - 1))


def model_metric(model: str, metric: str, value: float) -> None:
    """For warroom/models/: publish a model's rolling metric (the latest value wins)."""
    MODEL_METRIC.labels(model, metric).set(value)


def model_predictions(model: str, n: int = 1) -> None:
    MODEL_PREDICTIONS.labels(model).inc(n)
