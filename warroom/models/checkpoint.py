"""Checkpoints: a pickled object behind a header with its SHA-256, written atomically.

A file that is cut short, altered or not a checkpoint at all raises ``CorruptCheckpoint``
and is never unpickled; a missing file is simply "no checkpoint".

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "m.ckpt"
>>> _ = save(path, {"w": [1, 2]}); load(path)
{'w': [1, 2]}
>>> _ = path.write_bytes(path.read_bytes()[:-3])
>>> load(path)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
warroom.models.checkpoint.CorruptCheckpoint: ... checksum mismatch ...
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from warroom.errors import WarroomError

MAGIC = b"warroom-checkpoint/1\n"


class CorruptCheckpoint(WarroomError):
    """A checkpoint file that does not hold what its checksum says."""


def encode(obj: Any) -> bytes:
    """``obj`` pickled behind the header and its checksum (do this where nothing else
    changes ``obj``; ``write`` may then run in a thread)."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def save(path: Path, obj: Any) -> int:
    """Write ``obj`` to ``path``; returns the bytes written."""
    return write(path, encode(obj))


def write(path: Path, blob: bytes) -> int:
    """Write an encoded checkpoint (a temporary file renamed over ``path``, so a crash
    mid-write leaves the previous checkpoint)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return len(blob)


def load(path: Path) -> Any | None:
    """The object saved at ``path``; None when there is no file."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    if not blob.startswith(MAGIC):
        raise CorruptCheckpoint(f"{path}: not a warroom checkpoint")
    digest, _, data = blob[len(MAGIC) :].partition(b"\n")
    if hashlib.sha256(data).hexdigest().encode() != digest:
        raise CorruptCheckpoint(f"{path}: checksum mismatch (file damaged or cut short)")
    try:
        return pickle.loads(data)
    except Exception as exc:  # the checksum held, the content did not: an incompatible version
        raise CorruptCheckpoint(f"{path}: unreadable ({exc!r})") from None


def set_aside(path: Path, suffix: str) -> Path:
    """Move a bad checkpoint out of the way (kept for inspection); its new path."""
    aside = path.with_name(f"{path.name}.corrupt-{suffix}")
    os.replace(path, aside)
    return aside
