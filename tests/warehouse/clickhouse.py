"""A throwaway ClickHouse server from Debian's ``clickhouse-server`` package (18.16).

It runs with its own config in a temp directory, on a free loopback port; ``stop``
and ``start`` again keep its data (the outage test restarts it). ``make test``
installs the package.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from clickhouse_driver import Client
from clickhouse_driver.errors import Error as DriverError

from warroom.streams.broker import free_port

BINARY = Path("/usr/sbin/clickhouse-server")

CONFIG = """<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{root}/server.log</log>
    <errorlog>{root}/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>{port}</tcp_port>
  <path>{root}/data/</path>
  <tmp_path>{root}/tmp/</tmp_path>
  <user_files_path>{root}/user_files/</user_files_path>
  <format_schema_path>{root}/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <profiles><default></default></profiles>
  <quotas><default></default></quotas>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
"""


class ClickHouseServer:
    """One clickhouse-server process on ``127.0.0.1:port``, data in a temp directory."""

    def __init__(self) -> None:
        if not BINARY.exists():
            raise RuntimeError(
                "clickhouse-server is not installed: `make test` installs it "
                "(apt-get install --no-install-recommends clickhouse-server)"
            )
        self.root = Path(tempfile.mkdtemp(prefix="warroom-ch-"))
        self.port = free_port()
        (self.root / "config.xml").write_text(CONFIG.format(root=self.root, port=self.port))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def dsn(self) -> str:
        return f"clickhouse://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> None:
        self.proc = subprocess.Popen(
            [BINARY, f"--config-file={self.root / 'config.xml'}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"clickhouse-server exited with {self.proc.returncode}")
            try:
                Client("127.0.0.1", port=self.port, connect_timeout=1).execute("SELECT 1")
                return
            except (DriverError, OSError, EOFError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"clickhouse-server did not answer within {timeout} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
