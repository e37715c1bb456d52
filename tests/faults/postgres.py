"""A PostgreSQL server that a test can stop and start again (an SQL store outage), from
Debian's package like ``tests/postgres.py``; its data survives the restart."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.postgres import _run, pg_bindir
from warroom.streams.broker import free_port


@dataclass
class Postgres:
    bindir: Path
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/warroom"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off"
        )
        _run(self.bindir / "pg_ctl", "-D", self.root / "data", "-l", self.root / "server.log",
             "-w", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        """Stop at once, dropping every connection (as a crash or failover would)."""
        _run(self.bindir / "pg_ctl", "-D", self.root / "data", "-m", "immediate", "-w", "stop")


@contextmanager
def restartable_postgres() -> Iterator[Postgres]:
    """A fresh server with an empty ``warroom`` database; stopped and removed after."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs it")
    root = Path(tempfile.mkdtemp(prefix="warroom-pg-fault-"))
    (root / "sock").mkdir()
    if os.geteuid() == 0:
        for path in (root, root / "sock"):
            shutil.chown(path, "postgres", "postgres")
    server = Postgres(bindir, root, free_port())
    try:
        _run(bindir / "initdb", "-D", root / "data", "-U", "postgres", "-A", "trust", "-E",
             "UTF8", "--locale=C")  # fmt: skip
        server.start()
        try:
            admin = f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("CREATE DATABASE warroom")
            yield server
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
                server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
