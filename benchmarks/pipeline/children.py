"""The benchmark's child processes: started in their own session, stopped on every exit,
and watched through ``/proc`` for the CPU time they use."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType

from warroom.streams.broker import _die_with_parent

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
#: A traceback's last line: ``NameError: name 'x' is not defined``.
_EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Exit)\b.*:")


class BenchError(Exception):
    """A phase could not be measured (a child died, a deadline passed, a count is off)."""


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/PID/stat`` after the command name (state is index 0), or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rpartition(")")[2].split()


def cpu_seconds(pid: int | None) -> float:
    """User plus system CPU time a process (all its threads) has used; 0 when unknown."""
    fields = _stat_fields(pid) if pid else None
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_S  # utime, stime


def child_pid(command_prefix: str) -> int | None:
    """A direct child of this process whose command name starts with ``command_prefix``."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            raw = (entry / "stat").read_text()
            comm = raw[raw.index("(") + 1 : raw.rindex(")")]
            if raw.rpartition(")")[2].split()[1] == me and comm.startswith(command_prefix):
                return int(entry.name)
    return None


def stop(proc: subprocess.Popen[bytes], grace: float = 20) -> int:
    """SIGINT (a graceful Faust shutdown), then SIGKILL after ``grace`` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@contextlib.contextmanager
def running(
    cmd: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` for the duration of the block, its output in ``log``.

    The child has its own session, so a Ctrl-C reaches only the benchmark, which then
    stops the child itself; the child also gets SIGTERM if the benchmark dies.
    """
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(cmd),
            env=dict(env),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        try:
            yield proc
        finally:
            stop(proc)


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log and its first exception line, for error messages."""
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    first = next((line for line in text if _EXCEPTION.match(line)), None)
    return "\n".join([*text[-lines:], *([f"first exception: {first}"] if first else [])])


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds the with-blocks: children and broker stop


def stop_on_sigterm() -> None:
    """Let SIGTERM unwind the benchmark like Ctrl-C, so its children and broker stop."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
