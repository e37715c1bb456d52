"""A throwaway PostgreSQL server from Debian's ``postgresql`` package, and fresh databases in it.

initdb and pg_ctl refuse to run as root, so as root they run as the ``postgres``
user (``runuser``) in a directory it owns. The server listens on a free loopback
port and keeps its socket in that directory; ``make test`` installs the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from warroom.streams.broker import free_port

PG_ROOT = Path("/usr/lib/postgresql")


def pg_bindir() -> Path | None:
    """The bin directory of the newest installed PostgreSQL, if any."""
    found = sorted(PG_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(*cmd: str | Path) -> None:
    subprocess.run([*_as_postgres(), *map(str, cmd)], check=True, capture_output=True)


@contextmanager
def running_postgres() -> Iterator[str]:
    """A server with an empty ``warroom`` database; yields its SQLAlchemy URL."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed: `make test` installs it "
            "(apt-get install --no-install-recommends postgresql)"
        )
    root = Path(tempfile.mkdtemp(prefix="warroom-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        for path in (root, sock):
            shutil.chown(path, "postgres", "postgres")
    port = free_port()
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        _run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C")  # fmt: skip
        _run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-o", options,
             "start")  # fmt: skip
        try:
            admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("CREATE DATABASE warroom")
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/warroom"
        finally:
            _run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def new_database(url: str, template: str | None = None) -> str:
    """A new database on the server of ``url`` (a copy of ``template``); its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    base, _, _ = url.rpartition("/")
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    copy = f" TEMPLATE {template}" if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}{copy}")  # type: ignore[arg-type]
    return f"{base}/{name}"
