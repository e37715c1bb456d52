"""The progress file a peer worker writes, and the benchmark reads, while it counts.

A peer (``naive_faust.py``, ``quix_peer.py``) runs as a script in its own process; it
writes ``count``, ``verdicts`` and the wall-clock times of its first and latest counted
event at the first event, every ``every`` events and at the ``expect``-th, atomically.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson


class Progress:
    """Counts fully processed events (and verdicts sent) and writes them to a JSON file."""

    def __init__(self, path: Path, expect: int, every: int = 1000) -> None:
        self.path, self.expect, self.every = path, expect, every
        self.count = 0
        self.verdicts = 0
        self.first = 0.0

    def add(self) -> None:
        """One more event done."""
        self.count += 1
        if self.count == 1:
            self.first = time.time()
        if self.count == 1 or self.count % self.every == 0 or self.count == self.expect:
            self.write()

    def verdict(self) -> None:
        """One more verdict sent (written with the next count)."""
        self.verdicts += 1

    def write(self) -> None:
        """Replace the file atomically, so a reader never sees half of it."""
        record = {
            "count": self.count,
            "verdicts": self.verdicts,
            "first": self.first,
            "last": time.time(),
        }
        partial = self.path.with_suffix(".partial")
        partial.write_bytes(orjson.dumps(record))
        os.replace(partial, self.path)
