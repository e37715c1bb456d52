"""How an agent's state for one partition is written into a checkpoint and read back:
pickled with a format number, so that a checkpoint of another shape is refused.

A state made of dataclasses, dicts, sets and tuples may be written with msgspec's
MessagePack instead (``pack_typed``), read back into its declared types
(``unpack_typed``): the journeys' 1.1-1.5 MB of viewers took 74-126 ms to pickle and
24-28 ms this way, in the event loop, every checkpoint (session 11). ``unpack_typed``
still reads a pickled checkpoint of an older format, so an upgrade keeps the state.
"""

from __future__ import annotations

import io
import pickle
import typing
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

#: The first byte of every pickle warroom writes (protocol 2 and later).
_PICKLED = 0x80
_encoder = msgspec.msgpack.Encoder()


def pack(version: int, saved: Any) -> bytes:
    return pickle.dumps((version, saved), protocol=pickle.HIGHEST_PROTOCOL)


class _Unpickler(pickle.Unpickler):
    """Reads classes that have changed since a checkpoint was written as stand-ins."""

    def __init__(self, data: bytes, classes: Mapping[str, type]) -> None:
        super().__init__(io.BytesIO(data))
        self.classes = classes

    def find_class(self, module: str, name: str) -> Any:
        return self.classes.get(f"{module}.{name}") or super().find_class(module, name)


def unpack(data: bytes, version: int, classes: Mapping[str, type] | None = None) -> Any:
    """What ``pack`` saved; ValueError when it was saved in another format. ``classes``:
    stand-ins for pickled classes by dotted name (a class that is no longer pickled so)."""
    if classes:
        found, saved = _Unpickler(data, classes).load()
    else:
        found, saved = pickle.loads(data)  # our own rows, written by pack()
    if found != version:
        raise ValueError(f"checkpoint format {found}, expected {version}")
    return saved


def pack_typed(version: int, saved: Any) -> bytes:
    """``saved`` as MessagePack; its types are the reader's (``typed_reader``)."""
    return _encoder.encode((version, saved))


def _counters(tp: Any, obj: Any) -> Any:
    """``Counter`` fields are written as maps and read back as counters."""
    if tp is Counter or typing.get_origin(tp) is Counter:
        return Counter(obj)
    raise NotImplementedError(f"no checkpoint reader for {tp!r}")


def typed_reader(saved_type: Any) -> msgspec.msgpack.Decoder[Any]:
    """The reader of checkpoints ``pack_typed`` wrote of ``saved_type``."""
    return msgspec.msgpack.Decoder(tuple[int, saved_type], dec_hook=_counters)


def unpack_typed(
    data: bytes,
    version: int,
    reader: msgspec.msgpack.Decoder[Any],
    pickled: int | None = None,
    upgrade: Callable[[Any], Any] | None = None,
    classes: Mapping[str, type] | None = None,
) -> Any:
    """What ``pack_typed`` saved; ``pickled``: the format number of the pickled
    checkpoints written before (read with ``unpack`` and its ``classes``), turned into
    today's shape by ``upgrade`` when the shapes differ. ValueError for any other format."""
    if data[:1] == bytes([_PICKLED]):
        if pickled is None:
            raise ValueError("a pickled checkpoint where MessagePack was expected")
        saved = unpack(data, pickled, classes)
        return saved if upgrade is None else upgrade(saved)
    try:
        found, saved = reader.decode(data)
    except msgspec.DecodeError as exc:  # ValidationError included
        raise ValueError(f"checkpoint not readable: {exc}") from exc
    if found != version:
        raise ValueError(f"checkpoint format {found}, expected {version}")
    return saved
