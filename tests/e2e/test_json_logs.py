"""``WARROOM_LOG_FORMAT=json``: every line a warroom process logs is one JSON object, for
the API (uvicorn's access log too) and for a worker (Faust's and warroom's loggers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.auth import ADMIN, ADMIN_TOKEN
from warroom.streams.broker import free_port

pytestmark = pytest.mark.e2e


def run(command: str, broker: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    environ = {
        **os.environ,
        "WARROOM_KAFKA_BOOTSTRAP": broker,
        "WARROOM_APP_ID": f"t{uuid.uuid4().hex[:10]}",
        "WARROOM_PARTITIONS": "2",
        "WARROOM_ADMIN_KEY": ADMIN_TOKEN,
        "WARROOM_LOG_FORMAT": "json",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "warroom", command],
        env=environ,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


class Logs:
    """Reads a process's stderr on a thread; every line must be one JSON object."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc, self.lines = proc, []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if line.strip():
                self.lines.append(line)

    def records(self) -> list[dict[str, object]]:
        out = []
        for line in list(self.lines):
            try:
                out.append(json.loads(line))
            except ValueError:
                pytest.fail(f"not a JSON log line: {line[:300]}")
        for record in out:
            assert {"ts", "level", "logger", "message"} <= record.keys(), record
        return out

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in list(self.lines)):
            assert time.monotonic() < deadline, f"no log line with {text!r}: {self.lines[:5]}"
            time.sleep(0.1)

    def stop(self) -> list[dict[str, object]]:
        """Stop the process; every line it logged, parsed."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._thread.join(timeout=5)
        return self.records()


def test_the_api_logs_json_lines(broker: str, tmp_path: Path) -> None:
    port = free_port()
    proc = run("api", broker, tmp_path, WARROOM_WEB_PORT=str(port))
    logs = Logs(proc)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None and time.monotonic() < deadline, "the API did not start"
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    assert httpx.get(f"{url}/v1/stats", headers=ADMIN).status_code == 200
    httpx.get(f"{url}/v1/stream", params={"access_token": ADMIN_TOKEN, "backlog": 0, "kind": "x"})
    logs.wait_for("/v1/stats", timeout=10)
    logs.wait_for("/v1/stream", timeout=10)
    records = logs.stop()
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert any("/v1/stats" in str(r["message"]) for r in access), records[:5]
    secret = ADMIN_TOKEN.split(".", 1)[1]
    assert not [line for line in logs.lines if secret in line], "an API key's secret was logged"
    key_id = ADMIN_TOKEN.split(".", 1)[0]
    assert any(f"access_token={key_id}.***" in str(r["message"]) for r in access)


def test_a_worker_logs_json_lines(broker: str, tmp_path: Path) -> None:
    """A worker whose ClickHouse is down says so (the driver's warnings), in JSON, and
    keeps running."""
    port = free_port()
    dsn = f"clickhouse://127.0.0.1:{port}"
    proc = run("worker", broker, tmp_path, WARROOM_CLICKHOUSE_DSN=dsn)
    logs = Logs(proc)
    logs.wait_for(f"127.0.0.1:{port}", timeout=30)
    assert proc.poll() is None
    records = logs.stop()
    down = [r for r in records if f"127.0.0.1:{port}" in str(r["message"])]
    assert down and all(r["level"] in ("WARNING", "ERROR") for r in down), records[:5]
