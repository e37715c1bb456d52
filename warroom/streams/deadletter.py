"""Dead letters: a bad event, where it came from, and why it was refused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from warroom.errors import InvalidEvent
from warroom.schemas.decisions import DeadLetter
from warroom.schemas.events import Event, Origin
from warroom.streams.codecs import decode_events

#: Bytes of the refused event kept in the dead letter.
RAW_KEEP = 16_000


@dataclass(frozen=True, slots=True)
class Source:
    """A message as read from Kafka."""

    topic: str
    partition: int
    offset: int
    value: bytes | None


def letter(
    src: Source, reason: str, raw: bytes, index: int | None = None, field: str | None = None
) -> DeadLetter:
    return DeadLetter(
        source_topic=src.topic,
        partition=src.partition,
        offset=src.offset,
        index=index,
        field=field,
        reason=reason,
        raw=raw[:RAW_KEEP].decode(errors="replace"),
        received_at=datetime.now(UTC),
    )


def split(
    kind: str, messages: Iterable[Source]
) -> tuple[list[Event], list[DeadLetter], list[Origin]]:
    """Decode and validate messages of one input topic: good events, dead letters, and
    where each good event was read (beside it, in the same order)."""
    good: list[Event] = []
    dead: list[DeadLetter] = []
    origins: list[Origin] = []
    for src in messages:
        if not src.value:
            dead.append(letter(src, "empty message", b""))
            continue
        try:
            events, rejected = decode_events(kind, src.value)
        except InvalidEvent as exc:
            dead.append(letter(src, exc.message, src.value))
            continue
        origins.extend((src.partition, src.offset, position) for position in range(len(events)))
        good.extend(events)
        dead.extend(letter(src, r.message, r.raw, r.index, r.field) for r in rejected)
    return good, dead, origins


def reason_key(dead: DeadLetter) -> str:
    """A short, bounded label for counting dead letters by reason."""
    return dead.field or dead.reason.split(":")[0][:40]
