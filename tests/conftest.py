"""Fixtures shared by the suites: a real embedded broker and a real warroom process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.auth import ADMIN_TOKEN
from warroom.streams import log_guard, topic_logs
from warroom.streams.broker import embedded_broker, free_port


@pytest.fixture(autouse=True)
def fresh_broker_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no broker outage seen and no consumer assignment in this
    process: a watch test that finds no broker must not make another test's recovery
    wait for it to come back (``log_guard``)."""
    monkeypatch.setattr(topic_logs, "OUTAGES", topic_logs.Outages())
    monkeypatch.setattr(log_guard, "ASSIGNMENT", log_guard.Assignment())


@pytest.fixture(scope="session")
def broker() -> Iterator[str]:
    """A tansu broker for the whole test session; ``host:port``."""
    with embedded_broker() as bootstrap:
        yield bootstrap


@dataclass(frozen=True)
class Server:
    url: str
    bootstrap: str
    app_id: str
    proc: subprocess.Popen[bytes]

    def topic(self, name: str) -> str:
        return f"{self.app_id}.{name}.v1"


def start_warroom(
    bootstrap: str, cwd: Path, command: str = "serve", app_id: str | None = None, **env: str
) -> Server:
    """``warroom serve`` in its own process, on a fresh app id (fresh topics and group)
    unless ``app_id`` names one (a restart)."""
    app_id = app_id or f"t{uuid.uuid4().hex[:10]}"
    port = free_port()
    environ = {
        **os.environ,
        "WARROOM_KAFKA_BOOTSTRAP": bootstrap,
        "WARROOM_APP_ID": app_id,
        "WARROOM_WEB_PORT": str(port),
        "WARROOM_PARTITIONS": "2",
        "WARROOM_ADMIN_KEY": ADMIN_TOKEN,
        **env,
    }
    log = cwd / f"warroom-{command}-{app_id}-{port}.log"
    with log.open("wb") as out:  # the child keeps its own handle
        proc = subprocess.Popen(
            [sys.executable, "-m", "warroom", command],
            env=environ,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"warroom {command} exited with {proc.returncode}; log:\n{tail}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return Server(url, bootstrap, app_id, proc)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"warroom {command} did not answer within 60 s")


def stop_warroom(server: Server) -> int:
    server.proc.send_signal(signal.SIGINT)
    try:
        return server.proc.wait(20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        return server.proc.wait()


@pytest.fixture(scope="module")
def server(broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One warroom process (worker + API) on the session broker."""
    srv = start_warroom(broker, tmp_path_factory.mktemp("warroom"))
    yield srv
    stop_warroom(srv)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server (Debian's package) on a loopback port for the whole session;
    the SQLAlchemy URL of its empty ``warroom`` database. Stopped at the end."""
    from tests.postgres import running_postgres

    with running_postgres() as url:
        yield url
