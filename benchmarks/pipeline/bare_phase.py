"""Phase 2: the bare Faust worker (``bare_faust.py``) over one event per message."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from .children import BenchError, running, tail
from .sampling import Phase, Result, usage, watch

SCRIPT = Path(__file__).with_name("bare_faust.py")


def read_progress(path: Path) -> dict[str, Any]:
    """The worker's last progress record (empty before its first message)."""
    try:
        return dict(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        return {}


#: Table labels of the baseline's transports (``bare_faust.py --scheme``).
LABELS = {
    "kafka": "bare Faust per message, kafka://",
    "warroom": "bare Faust per message, 50 ms fetch",
}


def measure_bare(phase: Phase, topic: str, scheme: str) -> Result:
    """Run the worker until it has counted every message; it times the first and the N-th."""
    progress = phase.workdir / "progress.json"
    log = phase.workdir / "faust.log"
    cmd = [sys.executable, str(SCRIPT), "--bootstrap", phase.bootstrap, "--app-id", phase.app_id]
    cmd += ["--scheme", scheme, "--topic", topic, "--expect", str(phase.events)]
    cmd += ["--progress", str(progress)]
    started = time.time()
    try:
        with running(cmd, os.environ, phase.workdir, log) as proc:
            samples = watch(lambda: read_progress(progress).get("count"), proc, phase)
    except BenchError as exc:
        raise BenchError(f"{exc}\n--- {log} ---\n{tail(log)}") from None
    final = read_progress(progress)
    return Result(
        LABELS[scheme],
        events=phase.events - 1,  # the first message opens the window
        seconds=final["last"] - final["first"],
        startup_s=final["first"] - started,
        usage=usage(samples),
    )
