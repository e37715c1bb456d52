"""The peers of ``bench_peers.py``: their input topics and how one peer phase is measured.

Both peers (``naive_faust.py``, ``quix_peer.py``) read ``<prefix>.clicks`` (keyed by
campaign) and ``<prefix>.orders`` (keyed by IP), one event per message, and write their
progress (``progress_file.py``); the first and the N-th counted event bound the window.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson
from aiokafka import AIOKafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from warroom.streams.routing import INPUT_KEYS

from .bare_phase import read_progress
from .children import BenchError, running, tail
from .sampling import Phase, Result, usage, watch
from .workload import Event, partitioned

HERE = Path(__file__).parent
#: Quix Streams on tansu needs an explicit retention on its input topics (DESIGN.md).
RETENTION_MS = str(7 * 24 * 3600 * 1000)
INPUTS = ("clicks", "orders")
#: Peer -> (table label, script).
PEERS = {
    "naive": ("naive Faust per event (Record, Tables)", HERE / "naive_faust.py"),
    "quix": ("Quix Streams (sliding window, state)", HERE / "quix_peer.py"),
}


def quix_installed() -> bool:
    """Whether the Quix Streams peer can run (the ``bench`` extra)."""
    return importlib.util.find_spec("quixstreams") is not None


def create_inputs(bootstrap: str, prefix: str, partitions: int) -> None:
    """``<prefix>.clicks`` and ``<prefix>.orders``, with ``retention.ms`` set."""
    configs = {"retention.ms": RETENTION_MS}
    topics = [NewTopic(f"{prefix}.{k}", partitions, 1, topic_configs=configs) for k in INPUTS]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            admin.create_topics(topics)
    finally:
        admin.close()


def keyed(
    kind: str, events: Sequence[Event], partitions: int
) -> Iterator[tuple[int, bytes, bytes]]:
    """(partition, key, one JSON event), keyed like warroom's inputs (campaign, IP)."""
    key = INPUT_KEYS[kind]
    for partition, group in partitioned(kind, events, partitions).items():
        for event in group:
            yield partition, str(event[key]).encode(), orjson.dumps(event)


async def produce_keyed(
    bootstrap: str, topic: str, messages: Iterator[tuple[int, bytes, bytes]]
) -> int:
    """Send every (partition, key, value) to ``topic``; wait until the broker has them."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=512 * 1024)
    await producer.start()
    sent = 0
    try:
        for partition, key, value in messages:
            await producer.send(topic, value, key=key, partition=partition)
            sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    return sent


def measure_peer(phase: Phase, peer: str, args: Sequence[str]) -> tuple[Result, int]:
    """Run one peer until it has counted every event: its result and the verdicts it sent
    by then."""
    label, script = PEERS[peer]
    progress = phase.workdir / "progress.json"
    log = phase.workdir / f"{peer}.log"
    cmd = [sys.executable, str(script), "--bootstrap", phase.bootstrap, "--app-id", phase.app_id]
    cmd += ["--expect", str(phase.events), "--progress", str(progress), *args]
    started = time.time()
    try:
        with running(cmd, os.environ, phase.workdir, log) as proc:
            samples = watch(lambda: read_progress(progress).get("count"), proc, phase)
    except BenchError as exc:
        raise BenchError(f"{exc}\n--- {log} ---\n{tail(log)}") from None
    final = read_progress(progress)
    result = Result(
        label,
        events=phase.events - 1,  # the first event opens the window
        seconds=final["last"] - final["first"],
        startup_s=final["first"] - started,
        usage=usage(samples),
    )
    return result, int(final.get("verdicts", 0))
