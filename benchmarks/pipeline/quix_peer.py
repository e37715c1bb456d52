"""The Quix Streams peer: the same workload and rules as a Quix Streams application.

Run by ``bench_peers.py`` in its own process (``pip install -e '.[bench]'``). It reads the
same one-event messages as ``naive_faust.py`` (clicks keyed by campaign, orders by IP):
per-campaign counters in state (clicks directly, orders after ``group_by`` campaign), and
the same-IP burst rule as a 60 s sliding window count per IP in event time, every window
with more than 5 orders sent to a verdicts topic. An event is counted once its campaign
counters are updated. On tansu the state is cleared before each run (DESIGN.md).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from progress_file import Progress
from quixstreams import Application, State

MAX_ORDERS = 5
WINDOW_MS = 60_000


def event_time_ms(value: Any, headers: Any, timestamp: float, timestamp_type: Any) -> int:
    """The event's own time (``ts``), so that the window slides in event time."""
    return int(datetime.fromisoformat(value["ts"]).timestamp() * 1000)


def counter(progress: Progress, **fields: str) -> Any:
    """A stateful update adding 1 to ``<kind>`` (or each name in ``fields``'s keys)
    and each money field to its total, in the campaign's state."""

    def add(value: dict[str, Any], state: State) -> None:
        totals = state.get("totals", {})
        name = value.get("kind", "orders")
        totals[name] = totals.get(name, 0) + 1
        for total, field in fields.items():
            totals[total] = totals.get(total, 0) + float(value[field])
        state.set("totals", totals)
        progress.add()

    return add


def build_app(args: argparse.Namespace, progress: Progress) -> Application:
    """Two dataframes (clicks, orders), a repartition by campaign, one sliding window."""
    app = Application(
        broker_address=args.bootstrap,
        consumer_group=args.app_id,
        auto_offset_reset="earliest",
        state_dir=str(args.state_dir),
        loglevel=args.loglevel,
        # tansu answers JoinGroup after session.timeout / 2 (DESIGN.md): as for Faust
        consumer_extra_config={"session.timeout.ms": 6000, "heartbeat.interval.ms": 2000},
    )
    app.clear_state()
    json_in = {"key_deserializer": "str", "timestamp_extractor": event_time_ms}
    clicks = app.topic(f"{args.topics}.clicks", **json_in)  # type: ignore[arg-type]
    orders = app.topic(f"{args.topics}.orders", **json_in)  # type: ignore[arg-type]
    verdicts = app.topic(f"{args.app_id}.verdicts", key_serializer="str")

    app.dataframe(clicks).update(counter(progress, spend="cost"), stateful=True)
    by_ip = app.dataframe(orders)
    by_campaign = by_ip.group_by(_campaign_of, name="orders-by-campaign")
    by_campaign.update(counter(progress, gmv="amount"), stateful=True)
    windows = by_ip.sliding_window(WINDOW_MS).count().current()
    bursts = windows.filter(lambda window: window["value"] > MAX_ORDERS)
    bursts.update(lambda _window: progress.verdict()).to_topic(verdicts)
    return app


def _campaign_of(order: dict[str, Any]) -> str:
    return str(order.get("campaign_id") or "none")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bootstrap", required=True, help="host:port of the broker")
    p.add_argument("--app-id", required=True, help="a fresh id: consumer group and topics")
    p.add_argument("--topics", required=True, help="input prefix: PREFIX.clicks, PREFIX.orders")
    p.add_argument("--expect", type=int, required=True, help="events in the input topics")
    p.add_argument("--progress", type=Path, required=True, help="JSON progress file to write")
    p.add_argument("--loglevel", default="WARNING", help="Quix log level")
    p.add_argument("--state-dir", type=Path, required=True, help="Quix's RocksDB state")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    progress = Progress(args.progress, args.expect)
    build_app(args, progress).run()


if __name__ == "__main__":
    main()
