"""Phase 1: ``python -m warroom serve`` on pre-filled input topics.

``/v1/stats`` says when every event is in and what the agents downstream made of them;
the envelopes warroom wrote (``outputs.py``) time the ingest exactly.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from warroom.streams.broker import free_port

from .children import BenchError, running, tail
from .outputs import envelopes_written, span
from .sampling import Phase, Result, usage, watch

Stats = dict[str, Any]

#: Settings this run changes in warroom (none: it runs with its defaults).
WORKAROUNDS: dict[str, str] = {}
#: Seconds the verdict count must stay still before it counts as final.
SETTLE_S = 5


@dataclass(frozen=True)
class Downstream:
    """What warroom's agents after ingest made of the events once all were counted."""

    verdicts: int
    expected_verdicts: int
    feed_items: int
    campaigns_live: int
    dead_letters: int
    drain_s: float  # from the last event counted to the final verdict count


def overrides() -> dict[str, str]:
    """The workarounds this run applies (those the environment does not set itself)."""
    return {k: v for k, v in WORKAROUNDS.items() if k not in os.environ}


def admin_token() -> str:
    """A fresh admin API key for this run (``wk_<id>.<secret>``), given to warroom through
    ``WARROOM_ADMIN_KEY`` so that the benchmark may read ``/v1/stats``."""
    return f"wk_{secrets.token_hex(6)}.{secrets.token_urlsafe(32)}"


def stats_reader(client: httpx.Client) -> Callable[[], Stats | None]:
    """A function that returns warroom's ``/v1/stats``, or None while it does not answer."""

    def read() -> Stats | None:
        try:
            resp = client.get("/v1/stats")
            stats = resp.json() if resp.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None
        if resp.status_code in (401, 403):
            raise BenchError(f"GET /v1/stats: {resp.status_code} {resp.text[:200]}")
        return stats if isinstance(stats, dict) and "counters" in stats else None

    return read


def valid_events(stats: Stats | None) -> int | None:
    if stats is None:
        return None
    counters = stats["counters"]
    return int(counters.get("events.clicks.valid", 0) + counters.get("events.orders.valid", 0))


def drain(read: Callable[[], Stats | None], expected: int, phase: Phase) -> Downstream:
    """Wait until the verdicts reach ``expected`` and the API's feed has them all, or until
    the verdict count stays still for ``SETTLE_S``; then report what the agents made."""
    done = changed = time.monotonic()
    stats: Stats = {"counters": {}}
    verdicts = -1
    while time.monotonic() < phase.deadline and time.monotonic() - changed < SETTLE_S:
        stats = read() or stats
        now = stats["counters"].get("verdicts", 0)
        if now != verdicts:  # the first reading is no change
            changed = time.monotonic() if verdicts >= 0 else done
            verdicts = now
        if verdicts >= expected and stats.get("feed_items", 0) >= verdicts:
            break
        time.sleep(phase.poll_s)
    counters = stats["counters"]
    return Downstream(
        verdicts=max(verdicts, 0),
        expected_verdicts=expected,
        feed_items=int(stats.get("feed_items", 0)),
        campaigns_live=int(stats.get("campaigns_live", 0)),
        dead_letters=sum(v for k, v in counters.items() if k.startswith("deadletter.")),
        drain_s=changed - done,
    )


def environment(phase: Phase, port: int, partitions: int, token: str) -> dict[str, str]:
    return {
        **os.environ,
        **overrides(),
        "WARROOM_ADMIN_KEY": token,
        "WARROOM_KAFKA_BOOTSTRAP": phase.bootstrap,
        "WARROOM_APP_ID": phase.app_id,
        "WARROOM_WEB_PORT": str(port),
        "WARROOM_PARTITIONS": str(partitions),
    }


def ingest_window(phase: Phase, activities: int) -> tuple[float, float, int]:
    """(first, last, events) of the ingest, from the campaign-activity envelopes it wrote
    (``activities`` records: one per click and per order with a campaign)."""
    topic = f"{phase.app_id}.campaign-activity.v1"
    left = max(5.0, phase.deadline - time.monotonic())
    try:
        return span(envelopes_written(phase.bootstrap, topic, activities, left), activities)
    except (TimeoutError, ValueError) as exc:
        raise BenchError(f"{phase.app_id}: cannot time the ingest from {topic}: {exc!r}") from None


def measure_warroom(
    phase: Phase, partitions: int, expected: int, activities: int | None = None
) -> tuple[Result, Downstream]:
    """Run ``warroom serve`` until every event is counted and the verdicts are out.

    The window is timed over the ``activities`` records it routes (default: every event);
    orders without a campaign route none, so they are left out of its events: a floor."""
    port = free_port()
    log = phase.workdir / "warroom.log"
    token = admin_token()
    auth = {"authorization": f"Bearer {token}"}
    api = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2, headers=auth)
    read = stats_reader(api)
    cmd = [sys.executable, "-m", "warroom", "serve"]
    env = environment(phase, port, partitions, token)
    started = time.time()
    try:
        with api, running(cmd, env, phase.workdir, log) as proc:
            samples = watch(lambda: valid_events(read()), proc, phase)
            downstream = drain(read, expected, phase)
        first, last, events = ingest_window(phase, activities or phase.events)
    except BenchError as exc:
        raise BenchError(f"{exc}\n--- {log} ---\n{tail(log)}") from None
    label = "warroom serve (envelopes, all agents)"
    return Result(label, events, last - first, first - started, usage(samples)), downstream
