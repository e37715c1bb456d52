"""The naive peer: the same rules written per event, the way the Faust docs teach.

Run by ``bench_peers.py`` in its own process. One ``faust.Record`` per event (one event
per message, clicks keyed by campaign, orders by IP); the same-IP burst rule as a sliding
60 s list of order times per IP in a Table (one changelog write per order) and one
``send`` per verdict; per-campaign counters (impressions, plays, clicks, spend, orders,
GMV) in a Table, one changelog write per event, orders re-keyed by campaign with
``group_by``. An event is counted once its campaign counters are updated.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import faust
from faust.types import StreamT
from faust.worker import Worker
from progress_file import Progress

#: The same-IP burst rule's defaults: more than 5 orders from one IP in any 60 s.
MAX_ORDERS = 5
WINDOW_S = 60.0


class Click(faust.Record, namespace="bench.naive.click", coerce=True, isodates=True):
    event_id: str
    ts: datetime
    kind: str
    shop_id: str
    campaign_id: str
    creative_id: str
    viewer: dict[str, Any]
    cost: Decimal = Decimal(0)
    creator_id: str | None = None
    product_id: str | None = None
    video_length_s: float | None = None
    watch_time_s: float | None = None


class Order(faust.Record, namespace="bench.naive.order", coerce=True, isodates=True):
    event_id: str
    ts: datetime
    order_id: str
    user_id: str
    ip: str
    shop_id: str
    sku: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    device_id: str | None = None
    campaign_id: str | None = None
    creative_id: str | None = None
    creator_id: str | None = None
    channel: str = "other"
    city: str | None = None


class Verdict(faust.Record, namespace="bench.naive.verdict"):
    order_id: str
    ip: str
    orders: int
    window_s: float
    action: str


def build_app(args: argparse.Namespace, progress: Progress) -> faust.App:
    """The app: two input topics, two tables, three agents, a verdicts topic."""
    app = faust.App(
        args.app_id,
        broker=f"{args.scheme}://{args.bootstrap}",
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        broker_session_timeout=6,
        broker_heartbeat_interval=2,
        consumer_auto_offset_reset="earliest",
        topic_replication_factor=1,
        topic_partitions=args.partitions,
    )
    clicks = app.topic(f"{args.topics}.clicks", key_type=str, value_type=Click)
    orders = app.topic(f"{args.topics}.orders", key_type=str, value_type=Order)
    verdicts = app.topic(f"{args.app_id}.verdicts", key_type=str, value_type=Verdict)
    campaigns = app.Table("campaigns", default=dict, partitions=args.partitions)
    ip_orders = app.Table("ip-orders", default=list, partitions=args.partitions)

    def count(campaign_id: str, **amounts: float) -> None:
        totals = dict(campaigns[campaign_id])
        for name, amount in amounts.items():
            totals[name] = totals.get(name, 0) + amount
        campaigns[campaign_id] = totals  # one changelog write
        progress.add()

    @app.agent(clicks)
    async def count_clicks(stream: StreamT[Click]) -> None:
        async for click in stream:
            count(click.campaign_id, **{click.kind: 1, "spend": float(click.cost)})

    @app.agent(orders)
    async def watch_ips(stream: StreamT[Order]) -> None:
        async for order in stream:
            ts = order.ts.timestamp()
            recent = [t for t in ip_orders[order.ip] if t > ts - WINDOW_S] + [ts]
            ip_orders[order.ip] = recent  # one changelog write
            if len(recent) > MAX_ORDERS:
                verdict = Verdict(order.order_id, order.ip, len(recent), WINDOW_S, "hold")
                await verdicts.send(key=order.ip, value=verdict)
                progress.verdict()

    @app.agent(orders)
    async def count_orders(stream: StreamT[Order]) -> None:
        by_campaign = stream.group_by(_campaign_of, name="orders-by-campaign")
        async for order in by_campaign:
            count(order.campaign_id or "none", orders=1, gmv=float(order.amount))

    return app


def _campaign_of(order: Order) -> str:
    return order.campaign_id or "none"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bootstrap", required=True, help="host:port of the broker")
    p.add_argument("--app-id", required=True, help="a fresh id: consumer group and topics")
    p.add_argument("--scheme", choices=("kafka", "warroom"), default="kafka", help="transport")
    p.add_argument("--topics", required=True, help="input prefix: PREFIX.clicks, PREFIX.orders")
    p.add_argument("--partitions", type=int, required=True, help="partitions of the inputs")
    p.add_argument("--expect", type=int, required=True, help="events in the input topics")
    p.add_argument("--progress", type=Path, required=True, help="JSON progress file to write")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    progress = Progress(args.progress, args.expect)
    app = build_app(args, progress)
    Worker(app, loglevel="WARNING", quiet=True, redirect_stdouts=False).execute_from_commandline()


if __name__ == "__main__":
    main()
