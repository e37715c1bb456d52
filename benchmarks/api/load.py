"""Bounded HTTP load: a fixed list of requests sent by a fixed number of concurrent
clients (httpx, async), timed one by one, with the CPU the server and broker use."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx
from pipeline.children import cpu_seconds

#: A request: (method, path, JSON body already encoded, or None).
Request = tuple[str, str, bytes | None]


@dataclass(frozen=True)
class Processes:
    """The processes whose CPU a run reports: warroom serve and the broker."""

    server: int | None
    broker: int | None


@dataclass
class Run:
    """One batch of requests: how long it took and what came back."""

    label: str
    requests: int
    events: int  # events accepted (ingest), 0 for CRUD
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # CPU seconds of warroom serve during the run
    broker_cpu: float = 0.0
    client_cpu: float = 0.0  # of this process (the httpx clients)

    @property
    def req_rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else float("nan")

    @property
    def event_rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else float("nan")


#: Checks a response; returns (events accepted, failure message or "").
Check = Callable[[httpx.Response], tuple[int, str]]


async def _one(client: httpx.AsyncClient, req: Request, check: Check, run: Run) -> int:
    method, path, body = req
    began = time.perf_counter()
    try:
        resp = await client.request(method, path, content=body)
    except httpx.HTTPError as exc:
        run.failures.append(f"{method} {path}: {exc!r}")
        return 0
    run.latencies_ms.append((time.perf_counter() - began) * 1000)
    accepted, failure = check(resp)
    if failure:
        run.failures.append(f"{method} {path}: {failure}")
    return accepted


async def send_all(
    client: httpx.AsyncClient,
    label: str,
    requests: Sequence[Request],
    check: Check,
    concurrency: int,
    procs: Processes,
) -> Run:
    """Send ``requests`` with at most ``concurrency`` in flight; time the whole batch."""
    run = Run(label, len(requests), 0, 0.0)
    queue = iter(requests)

    async def worker() -> int:
        return sum([await _one(client, req, check, run) for req in queue])

    cpu = (cpu_seconds(procs.server), cpu_seconds(procs.broker), _own_cpu())
    began = time.perf_counter()
    accepted = await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - began
    run.events = sum(accepted)
    run.server_cpu = cpu_seconds(procs.server) - cpu[0]
    run.broker_cpu = cpu_seconds(procs.broker) - cpu[1]
    run.client_cpu = _own_cpu() - cpu[2]
    return run


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def expect(status: int) -> Check:
    """A check: the status code must be ``status``; no events."""

    def check(resp: httpx.Response) -> tuple[int, str]:
        return 0, "" if resp.status_code == status else f"{resp.status_code} {resp.text[:200]}"

    return check


def accepted(size: int) -> Check:
    """An ingest check: 202 with every one of ``size`` events accepted."""

    def check(resp: httpx.Response) -> tuple[int, str]:
        if resp.status_code != 202:
            return 0, f"{resp.status_code} {resp.text[:200]}"
        got = int(resp.json().get("accepted", 0))
        return got, "" if got == size else f"accepted {got} of {size}"

    return check
