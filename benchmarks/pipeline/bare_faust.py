"""The baseline: the most naive Faust worker, one agent counting one-event messages.

Run by ``bench_pipeline.py`` in its own process. It writes its progress to a JSON file
(``count``, and the wall-clock times of the first and the latest counted message) at
the first message, every ``--every`` messages and at the ``--expect``-th message.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from pathlib import Path

import faust
import orjson
from faust.types import StreamT
from faust.worker import Worker


class Progress:
    """Counts messages and records when the first and the latest were counted."""

    def __init__(self, path: Path, expect: int, every: int) -> None:
        self.path, self.expect, self.every = path, expect, every
        self.count = 0
        self.first = 0.0

    def add(self) -> None:
        self.count += 1
        if self.count == 1:
            self.first = time.time()
        if self.count == 1 or self.count % self.every == 0 or self.count == self.expect:
            self.write()

    def write(self) -> None:
        """Replace the file atomically, so a reader never sees half of it."""
        record = {"count": self.count, "first": self.first, "last": time.time()}
        partial = self.path.with_suffix(".partial")
        partial.write_bytes(orjson.dumps(record))
        os.replace(partial, self.path)


def build_app(
    app_id: str, bootstrap: str, scheme: str, topic_name: str, progress: Progress
) -> faust.App:
    """A Faust app as small as it gets: no web server, memory store, one counting agent.

    ``scheme`` ``kafka`` is Faust's own aiokafka transport (fetch wait 1500 ms, hard-coded);
    ``warroom`` is the same transport with warroom's fetch wait (50 ms by default).
    """
    app = faust.App(
        app_id,
        broker=f"{scheme}://{bootstrap}",
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        broker_session_timeout=6,
        broker_heartbeat_interval=2,
        consumer_auto_offset_reset="earliest",
        topic_replication_factor=1,
        stream_wait_empty=False,
    )
    topic = app.topic(
        topic_name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )

    @app.agent(topic)
    async def count(stream: StreamT[bytes]) -> None:
        async for _value in stream:
            progress.add()

    return app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bootstrap", required=True, help="host:port of the broker")
    p.add_argument("--app-id", required=True, help="a fresh id: consumer group and data dir")
    p.add_argument("--scheme", choices=("kafka", "warroom"), default="kafka", help="transport")
    p.add_argument("--topic", required=True, help="the topic holding one event per message")
    p.add_argument("--expect", type=int, required=True, help="messages in the topic")
    p.add_argument("--progress", type=Path, required=True, help="JSON progress file to write")
    p.add_argument("--every", type=int, default=1000, help="messages between progress writes")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    progress = Progress(args.progress, args.expect, args.every)
    app = build_app(args.app_id, args.bootstrap, args.scheme, args.topic, progress)
    Worker(app, loglevel="WARNING", quiet=True, redirect_stdouts=False).execute_from_commandline()


if __name__ == "__main__":
    main()
