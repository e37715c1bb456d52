"""Run a real warroom worker on a bounded stream: an embedded tansu broker, ``warroom serve``
in a child process (every agent on, the warehouse sink off), the stream produced to the
public input topics, and the verdicts read back from ``warroom.verdicts.v1``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from warroom.errors import WarroomError
from warroom.evaluation.risk_metrics import Seen
from warroom.sim.events import Event
from warroom.sim.sinks import KafkaSink
from warroom.sim.stream import Stream
from warroom.streams.broker import embedded_broker, free_port

#: Seconds the worker may take to answer on its API.
STARTUP_S = 90.0
#: Verdicts are complete once none came for this long after everything was consumed.
QUIET_S = 5.0
#: Events sent at most ahead of what the worker has taken in.
AHEAD = 1500


@dataclass
class Worker:
    bootstrap: str
    url: str
    app_id: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path

    def topic(self, name: str) -> str:
        return f"{self.app_id}.{name}.v1"


@dataclass
class Outcome:
    """What a run gave: verdicts as read, and when each order's events (the order, its
    payments, its refunds) were sent, by order id."""

    seen: list[Seen] = field(default_factory=list)
    sent: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    consumed: int = 0
    seconds: float = 0.0


def start_worker(bootstrap: str, data: Path) -> Worker:
    """``warroom serve`` on a fresh app id, answering on a free loopback port."""
    app_id, port = f"eval{uuid.uuid4().hex[:8]}", free_port()
    token = f"wk_{secrets.token_hex(6)}.{secrets.token_urlsafe(32)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env.update(
        WARROOM_KAFKA_BOOTSTRAP=bootstrap, WARROOM_APP_ID=app_id, WARROOM_WEB_PORT=str(port),
        WARROOM_ADMIN_KEY=token, WARROOM_DATA_DIR=str(data), WARROOM_WAREHOUSE_SINK="false",
    )  # fmt: skip
    log = data / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "warroom", "serve"], env=env, cwd=data, stdout=out, stderr=out
        )
    worker = Worker(bootstrap, f"http://127.0.0.1:{port}", app_id, token, proc, log)
    wait_until_up(worker)
    return worker


def wait_until_up(worker: Worker) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if worker.proc.poll() is not None:
            tail = worker.log.read_text(errors="replace")[-2000:]
            raise WarroomError(f"the worker exited with {worker.proc.returncode}:\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{worker.url}/v1/health", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    stop_worker(worker)
    raise WarroomError(f"the worker did not answer within {STARTUP_S:g} s")


def stop_worker(worker: Worker) -> None:
    if worker.proc.poll() is None:
        worker.proc.send_signal(signal.SIGINT)
        try:
            worker.proc.wait(20)
        except subprocess.TimeoutExpired:
            worker.proc.kill()
            worker.proc.wait()


@contextlib.contextmanager
def running_worker() -> Iterator[Worker]:
    """A broker and a worker for the duration of the block, both stopped after it."""
    with tempfile.TemporaryDirectory(prefix="warroom-eval-") as tmp, embedded_broker() as boot:
        worker = start_worker(boot, Path(tmp))
        try:
            yield worker
        finally:
            stop_worker(worker)


async def counters(client: httpx.AsyncClient, worker: Worker) -> dict[str, int]:
    resp = await client.get(f"{worker.url}/v1/stats")
    found: dict[str, int] = resp.json().get("counters", {})
    return found


async def consumed(client: httpx.AsyncClient, worker: Worker) -> int:
    """Events the worker's ingest agents took in (valid or dead-lettered)."""
    return sum(n for name, n in (await counters(client, worker)).items() if _ingested(name))


def _ingested(counter: str) -> bool:
    valid = counter.startswith("events.") and counter.endswith(".valid")
    return valid or counter.startswith("deadletter.")


async def read_verdicts(worker: Worker, out: Outcome, stop: asyncio.Event) -> None:
    """Every verdict from the start of the topic, with the time it was read, until ``stop``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=worker.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        topic = worker.topic("verdicts")
        await consumer.topics()  # fetches the metadata
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200)
            now = time.time()
            for records in batches.values():
                for r in records:
                    value = orjson.loads(r.value or b"[]")
                    out.seen += [
                        Seen(v, now) for v in (value if isinstance(value, list) else [value])
                    ]
    finally:
        await consumer.stop()


class Sender:
    """Sends a stream's events in order, at most ``rate`` a second and at most ``AHEAD``
    events ahead of what the worker has taken in (so latencies measure the worker, not a
    backlog), and each payment once the worker has routed the orders sent before it.

    In real time a payment trails its order by seconds and the unknown-order rule waits
    300 s of wall clock; a replayed stream's event times are hours old, so a payment that
    overtook its order inside the worker would be judged unknown at once. The ingest agent
    counts a batch before routing it and routes one batch after another: once it counted an
    order sent later (or a second passed), the earlier orders are routed."""

    def __init__(self, worker: Worker, rate: float, out: Outcome) -> None:
        self.worker, self.rate, self.out = worker, rate, out
        self.sink = KafkaSink(worker.bootstrap, topic_prefix=worker.app_id)
        self.held: deque[tuple[int, list[Event]]] = deque()
        self.sent = self.taken = self.orders_sent = self.orders_in = 0
        self.ready_since: float | None = None
        self.client = httpx.AsyncClient(headers={"authorization": f"Bearer {worker.token}"})

    async def run(self, stream: Stream, deadline: float, chunk: int = 500) -> None:
        await self.sink.start()
        start = time.monotonic()
        try:
            for i in range(0, len(stream.events), chunk):
                while self.sent - self.taken > AHEAD and time.monotonic() < deadline:
                    await self._poll()
                    await asyncio.sleep(0.05)
                await self._send(stream.events[i : i + chunk])
                await asyncio.sleep(max(0.0, start + (i + chunk) / self.rate - time.monotonic()))
            while self.held and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                await self._release()
        finally:
            await self.sink.stop()
            await self.client.aclose()

    async def _poll(self) -> None:
        with contextlib.suppress(httpx.HTTPError):
            found = await counters(self.client, self.worker)
            self.taken = sum(n for name, n in found.items() if _ingested(name))
            self.orders_in = found.get("events.orders.valid", 0)

    async def _send(self, part: list[tuple[str, Event]]) -> None:
        now = time.time()
        for kind in ("orders", "refunds", "clicks"):
            if batch := [e for k, e in part if k == kind]:
                await self.sink.send(kind, batch)
        for kind, event in part:
            self.orders_sent += kind == "orders"
            if kind in ("orders", "refunds"):
                self.out.sent[event["order_id"]].append(now)
        self.sent += len(part)
        if payments := [e for k, e in part if k == "payments"]:
            self.held.append((self.orders_sent, payments))
            self.sent -= len(payments)
        await self._release()

    def _routed(self, needed: int) -> bool:
        if self.orders_in > needed:
            return True
        if self.orders_in < needed:
            self.ready_since = None
            return False
        self.ready_since = self.ready_since or time.monotonic()
        return time.monotonic() - self.ready_since >= 1.0

    async def _release(self) -> None:
        if self.held and not self._routed(self.held[0][0]):
            await self._poll()
        while self.held and self._routed(self.held[0][0]):
            payments, self.ready_since = self.held.popleft()[1], None
            await self.sink.send("payments", payments)
            self.sent += len(payments)
            now = time.time()
            for event in payments:
                self.out.sent[event["order_id"]].append(now)


async def drain(worker: Worker, expected: int, out: Outcome, deadline: float) -> None:
    """Until the worker took in ``expected`` events and no verdict came for ``QUIET_S``."""
    async with httpx.AsyncClient(headers={"authorization": f"Bearer {worker.token}"}) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                out.consumed = await consumed(client, worker)
            if out.consumed >= expected:
                break
            await asyncio.sleep(0.5)
    count, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < QUIET_S:
        if len(out.seen) != count:
            count, quiet_since = len(out.seen), time.monotonic()
        await asyncio.sleep(0.2)


async def run_stream(worker: Worker, stream: Stream, rate: float, limit_s: float) -> Outcome:
    """Send ``stream`` to ``worker`` and read its verdicts, within ``limit_s`` seconds."""
    out, stop = Outcome(), asyncio.Event()
    began = time.monotonic()
    reader = asyncio.create_task(read_verdicts(worker, out, stop))
    try:
        sender = Sender(worker, rate, out)
        await sender.run(stream, began + limit_s)
        out.consumed = sender.taken
        await drain(worker, len(stream.events), out, began + limit_s)
    finally:
        stop.set()
        await reader
    out.seconds = time.monotonic() - began
    return out
