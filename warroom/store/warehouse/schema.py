"""The warehouse's tables and rollups, as DDL both 18.16 and modern ClickHouse accept.

Raw tables (one per sink) keep every event or decision with where it came from
(``src_topic``, ``src_partition``, ``src_offset``). They are ``ReplacingMergeTree``:
a row written twice (a platform resending an event, a replay) collapses on merge, and
queries that must not see the second copy read ``FINAL`` (or ``argMax`` by key).
Verdicts, budget decisions and labels carry a version column (``decided_at``): the
latest row per key wins.

Rollups are filled by ``MATERIALIZED VIEW ... TO`` on insert, so they cannot tell a
replayed row from a new one. The sink therefore never re-inserts a source offset the
warehouse already holds (``sink.py``: the high-water mark per source partition is read
back from the raw table). Rollup tables are Summing/AggregatingMergeTree: queries still
``GROUP BY`` and ``sum`` / ``-Merge``, because merges are eventual. On 18.16 a view must
write every column of its target, with exactly the target's types.

Money is ``Decimal(18, 4)`` (sums ``Decimal(38, 4)``); times are ``DateTime('UTC')``
(seconds: 18.16 has no DateTime64); absent ids are ``''``, not NULL. Not in the subset,
so not here: LowCardinality, TTL, CODEC, Map, JSON, DateTime64, window functions;
``quantiles`` wants ``toFloat64`` of a Decimal on 18.16, and ``avg`` of a Decimal is a
Decimal there but a Float64 on modern ClickHouse (cast before averaging).
"""

from __future__ import annotations

from warroom.store.warehouse.base import Warehouse

SOURCE = "src_topic String, src_partition UInt16, src_offset UInt64"
UTC = "DateTime('UTC')"
MONEY = "Decimal(18, 4)"
SUM = "Decimal(38, 4)"
#: A budget decision's action (``coupon``: the radar's, issue 11).
ACTIONS = "Enum8('pause' = 1, 'scale' = 2, 'copy' = 3, 'revert' = 4, 'coupon' = 5)"

TABLES = {
    "clicks": f"""(
        event_id String, ts {UTC},
        kind Enum8('impression' = 1, 'play' = 2, 'click' = 3),
        shop_id String, campaign_id String, creative_id String, creator_id String,
        product_id String, viewer_id String, gender Enum8('u' = 0, 'f' = 1, 'm' = 2),
        age_band Enum8('unknown' = 0, '<18' = 1, '18-23' = 2, '24-30' = 3, '31-40' = 4,
                       '41-50' = 5, '50+' = 6),
        spending_power UInt8, city String, city_tier UInt8, cost {MONEY},
        watch_time_s Nullable(Float32), video_length_s Nullable(Float32), {SOURCE}
    ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(ts)
      ORDER BY (shop_id, campaign_id, ts, event_id)""",
    "orders": f"""(
        event_id String, ts {UTC}, order_id String, user_id String, ip String,
        device_id String, shop_id String, sku String, quantity UInt32,
        unit_price {MONEY}, amount {MONEY}, campaign_id String, creative_id String,
        creator_id String, channel Enum8('other' = 0, 'live' = 1, 'video' = 2,
                                         'search' = 3, 'shop' = 4),
        city String, {SOURCE}
    ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (shop_id, ts, event_id)""",
    "payments": f"""(
        event_id String, ts {UTC}, payment_id String, order_id String, amount {MONEY},
        method Enum8('other' = 0, 'alipay' = 1, 'wechat' = 2, 'card' = 3, 'balance' = 4),
        status Enum8('success' = 1, 'failed' = 2, 'pending' = 3), card_hash String, {SOURCE}
    ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (order_id, ts, event_id)""",
    "refunds": f"""(
        event_id String, ts {UTC}, refund_id String, order_id String, shop_id String,
        sku String, amount {MONEY}, user_id String,
        reason Enum8('other' = 0, 'quality' = 1, 'not_as_described' = 2, 'not_received' = 3,
                     'changed_mind' = 4), {SOURCE}
    ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (shop_id, ts, event_id)""",
    "verdicts": f"""(
        key String, order_id String, shop_id String,
        outcome Enum8('approve' = 1, 'review' = 2, 'hold' = 3, 'decline' = 4), score Float64,
        mode Enum8('enforce' = 1, 'shadow' = 2), rules Array(String), hits String,
        entities Array(String), event_ts {UTC}, decided_at {UTC}, {SOURCE}
    ) ENGINE = ReplacingMergeTree(decided_at) PARTITION BY toYYYYMM(event_ts)
      ORDER BY (shop_id, key)""",
    "budget_decisions": f"""(
        key String, rule_id String, rule_version UInt32,
        entity_kind Enum8('campaign' = 1, 'creative' = 2), entity_id String, shop_id String,
        campaign_id String, mode Enum8('enforce' = 1, 'shadow' = 2),
        action {ACTIONS},
        result Enum8('proposed' = 1, 'applied' = 2, 'skipped' = 3, 'failed' = 4),
        reason String, changes String, observed String, thresholds String, guardrails String,
        window_end {UTC}, decided_at {UTC}, reverts String, {SOURCE}
    ) ENGINE = ReplacingMergeTree(decided_at) PARTITION BY toYYYYMM(window_end)
      ORDER BY (shop_id, key, result)""",
    "labels": f"""(
        key String, order_id String, shop_id String,
        action Enum8('release' = 1, 'confirm_fraud' = 2), label Enum8('legit' = 1, 'fraud' = 2),
        outcome String, score Float64, rules Array(String), verdict_key String,
        decided_by String, decided_at {UTC}, note String, {SOURCE}
    ) ENGINE = ReplacingMergeTree(decided_at) ORDER BY (shop_id, order_id)""",
    "commissions": f"""(
        key String, order_id String, shop_id String, campaign_id String, creative_id String,
        creator_id String, level UInt8, role String, party_id String, share {MONEY},
        base {MONEY}, amount {MONEY}, rule_version UInt32, ts {UTC}, {SOURCE}
    ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (shop_id, key)""",
    # Rollups, filled by the views below.
    "campaign_minute": f"""(
        minute {UTC}, shop_id String, campaign_id String, impressions UInt64, plays UInt64,
        clicks UInt64, cost {SUM}, orders UInt64, gmv {SUM}
    ) ENGINE = SummingMergeTree() PARTITION BY toYYYYMM(minute)
      ORDER BY (shop_id, campaign_id, minute)""",
    "shop_sku_hour": f"""(
        hour {UTC}, shop_id String, sku String, orders AggregateFunction(count),
        quantity AggregateFunction(sum, UInt32), gmv AggregateFunction(sum, {MONEY}),
        buyers AggregateFunction(uniq, String), unit_price AggregateFunction(avg, Float64)
    ) ENGINE = AggregatingMergeTree() PARTITION BY toYYYYMM(hour) ORDER BY (shop_id, sku, hour)""",
}

#: view name -> (target table, SELECT over the raw table, ``{db}`` = the database)
VIEWS = {
    "campaign_minute_clicks": (
        "campaign_minute",
        """
        SELECT toStartOfMinute(ts) AS minute, shop_id, campaign_id,
               countIf(kind = 'impression') AS impressions, countIf(kind = 'play') AS plays,
               countIf(kind = 'click') AS clicks, sum(cost) AS cost,
               toUInt64(0) AS orders, toDecimal128(0, 4) AS gmv
        FROM {db}.clicks GROUP BY minute, shop_id, campaign_id""",
    ),
    "campaign_minute_orders": (
        "campaign_minute",
        """
        SELECT toStartOfMinute(ts) AS minute, shop_id, campaign_id,
               toUInt64(0) AS impressions, toUInt64(0) AS plays, toUInt64(0) AS clicks,
               toDecimal128(0, 4) AS cost, count() AS orders, sum(amount) AS gmv
        FROM {db}.orders WHERE campaign_id != '' GROUP BY minute, shop_id, campaign_id""",
    ),
    "shop_sku_hour_orders": (
        "shop_sku_hour",
        """
        SELECT toStartOfHour(ts) AS hour, shop_id, sku, countState() AS orders,
               sumState(quantity) AS quantity, sumState(amount) AS gmv,
               uniqState(user_id) AS buyers, avgState(toFloat64(unit_price)) AS unit_price
        FROM {db}.orders GROUP BY hour, shop_id, sku""",
    ),
}


def statements(database: str) -> list[str]:
    """Every CREATE statement, tables before the views that write into them."""
    tables = [
        f"CREATE TABLE IF NOT EXISTS {database}.{name} {body}" for name, body in TABLES.items()
    ]
    views = [
        f"CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.{name} TO {database}.{target} AS "
        + select.format(db=database)
        for name, (target, select) in VIEWS.items()
    ]
    return tables + views


#: Changes to tables created by an earlier version (idempotent, metadata only).
UPGRADES = ("ALTER TABLE {db}.budget_decisions MODIFY COLUMN action " + ACTIONS,)


def apply_schema(warehouse: Warehouse) -> None:
    """Create whatever is missing, then bring older tables up to date (idempotent)."""
    for sql in statements(warehouse.database):
        warehouse.execute(sql)
    for sql in UPGRADES:
        warehouse.execute(sql.format(db=warehouse.database))
