"""Faust agents, one per file, thin: they read, keep state, and delegate decisions.

Importing this package registers every agent with the app.
"""

from warroom.agents import (  # noqa: F401
    apply_decisions,
    count_campaigns,
    count_stock,
    evaluate_budgets,
    follow_control,
    ingest_clicks,
    ingest_follows,
    ingest_messages,
    ingest_orders,
    ingest_payments,
    ingest_refunds,
    ingest_searches,
    ingest_stock,
    judge_ab_tests,
    judge_orders,
    learn_match,
    publish_models,
    queue_reviews,
    score_order_anomalies,
    sink_warehouse,
    split_commissions,
    track_journeys,
    track_radar,
    watch_device_bursts,
    watch_ip_bursts,
    watch_night_surges,
    watch_payment_failures,
    watch_payments,
    watch_prices,
    watch_refunds,
    watch_user_bursts,
)
