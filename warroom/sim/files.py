"""Saved streams: NDJSON, one line per event (``{"topic": "orders", "event": {...}}``), in
time order, after a ``{"meta": {...}}`` line and followed by the ground truth
(``{"truth": {...}}``, one line per attack). Warroom is only ever sent the events."""

from __future__ import annotations

from pathlib import Path

import orjson

from warroom.errors import WarroomError
from warroom.sim.stream import Stream


def save(stream: Stream, path: Path) -> None:
    with path.open("wb") as out:
        out.write(orjson.dumps({"meta": stream.meta}) + b"\n")
        for kind, event in stream.events:
            out.write(orjson.dumps({"topic": kind, "event": event}) + b"\n")
        for attack in stream.attacks:
            out.write(orjson.dumps({"truth": attack}) + b"\n")


def load(path: Path) -> Stream:
    """The stream saved at ``path``; WarroomError naming the line that is not one."""
    stream = Stream({})
    with path.open("rb") as lines:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
                if "event" in item:
                    stream.events.append((str(item["topic"]), item["event"]))
                elif "truth" in item:
                    stream.attacks.append(item["truth"])
                else:
                    stream.meta = dict(item["meta"])
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise WarroomError(f"{path}:{n}: not a saved stream line ({exc})") from None
    return stream
