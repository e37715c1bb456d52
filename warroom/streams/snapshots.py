"""How an agent's state for one partition is written into a checkpoint and read back:
pickled with a format number, so that a checkpoint of another shape is refused."""

from __future__ import annotations

import pickle
from typing import Any


def pack(version: int, saved: Any) -> bytes:
    return pickle.dumps((version, saved), protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes, version: int) -> Any:
    """What ``pack`` saved; ValueError when it was saved in another format."""
    found, saved = pickle.loads(data)  # our own rows, written by pack()
    if found != version:
        raise ValueError(f"checkpoint format {found}, expected {version}")
    return saved
