"""Production-shaped warroom for fault tests: ``warroom api`` and any number of
``warroom worker`` processes on one app id and one SQL store, each in its own directory
(its own chdb, logs), every one of them killable on its own.

Workers run without the warehouse sink (the sink has its own outage tests) and expose
``/metrics`` on their own port, where their ``recovery.*`` counters show.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.auth import ADMIN_TOKEN
from tests.conftest import Server
from warroom.streams.broker import free_port

#: Every warroom process started by a fault test is killed within this many seconds.
STOP_GRACE_S = 20


@dataclass
class Process:
    """A warroom process and where it answers (the API or the worker's /metrics)."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill(self) -> None:
        """kill -9, as a crash would."""
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def counters(self) -> dict[str, float]:
        """The process's named counters (``warroom_count_total``) from its /metrics."""
        text = httpx.get(f"{self.url}/metrics", timeout=5).text
        found = re.findall(r'^warroom_count_total\{name="([^"]+)"\} (\S+)$', text, re.M)
        return {name: float(value) for name, value in found}


@dataclass
class Cluster:
    """One app id on one broker and one SQL store; processes started on demand."""

    bootstrap: str
    root: Path
    sql_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    app_id: str = field(default_factory=lambda: f"f{uuid.uuid4().hex[:10]}")
    processes: list[Process] = field(default_factory=list)

    def environ(self, name: str, port: int) -> dict[str, str]:
        sql = self.sql_url or f"sqlite:///{self.root / 'store.db'}"
        return {
            **os.environ,
            "WARROOM_KAFKA_BOOTSTRAP": self.bootstrap,
            "WARROOM_APP_ID": self.app_id,
            "WARROOM_PARTITIONS": "2",
            "WARROOM_ADMIN_KEY": ADMIN_TOKEN,
            "WARROOM_SQL_URL": sql,
            "WARROOM_DATA_DIR": str(self.root / name),
            "WARROOM_WAREHOUSE_SINK": "false",
            "WARROOM_WEB_PORT" if name == "api" else "WARROOM_METRICS_PORT": str(port),
            **self.env,
        }

    def start(self, command: str, name: str, timeout: float = 90) -> Process:
        """``warroom api|worker`` as ``name``, once it answers over HTTP."""
        port = free_port()
        log = self.root / f"{name}.log"
        (self.root / name).mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "warroom", command],
                env=self.environ(name, port),
                cwd=self.root / name,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, proc, f"http://127.0.0.1:{port}", log)
        self.processes.append(process)
        wait_answering(process, "/v1/health" if command == "api" else "/metrics", timeout)
        return process

    def api(self) -> Process:
        return self.start("api", "api")

    def worker(self, name: str = "worker") -> Process:
        return self.start("worker", name)

    def server(self, api: Process) -> Server:
        """The API as the shared test helpers know it."""
        return Server(api.url, self.bootstrap, self.app_id, api.proc)

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def wait_answering(process: Process, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            tail = process.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{process.name} exited with {process.proc.returncode}: {tail}")
        try:
            if httpx.get(f"{process.url}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.proc.kill()
    raise RuntimeError(f"{process.name} did not answer within {timeout:.0f} s")
