"""Which log of each topic this process is on.

A topic the broker lost and warroom recreated (tansu keeps topics in memory: a restart
loses them all) has a new topic id, and its offsets start again at 0: offsets saved for
the old log (checkpoints, a consumer's position) mean nothing on the new one. The
broker watch (``warroom.streams.watchdog``) observes the topic ids; recovery saves the
id with each checkpoint and compares it with the current one; each change of a topic's
id also raises its *generation* here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

#: What a broker without topic ids (Kafka < 2.8) answers: no id at all.
NO_ID = "00000000-0000-0000-0000-000000000000"


class TopicLogs:
    """Topic ids as last seen, and a generation per topic raised whenever its id changes.

    >>> logs = TopicLogs()
    >>> logs.observe({"t": "a"}), logs.generation("t")
    ([], 0)
    >>> logs.observe({}), logs.observe({"t": "b"}), logs.generation("t")
    ([], ['t'], 1)
    """

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._generations: dict[str, int] = {}

    def observe(self, ids: Mapping[str, str | None]) -> list[str]:
        """Record the ids found on the broker (missing topics left out); returns the
        topics whose id changed since they were last seen: their log is a new one."""
        renewed = []
        for topic, topic_id in ids.items():
            if topic_id is None or topic_id == NO_ID:
                continue
            seen = self._ids.get(topic)
            if seen is not None and seen != topic_id:
                self._generations[topic] = self.generation(topic) + 1
                renewed.append(topic)
            self._ids[topic] = topic_id
        return renewed

    def generation(self, topic: str) -> int:
        return self._generations.get(topic, 0)

    def generations(self) -> dict[str, int]:
        """Every topic's generation that is not 0."""
        return dict(self._generations)

    def ids(self) -> dict[str, str]:
        """Every topic's id as last seen."""
        return dict(self._ids)

    def topic_id(self, topic: str) -> str | None:
        """The topic's id as last seen (None: never seen, or a broker without ids)."""
        return self._ids.get(topic)


#: This process's view (one broker per process).
LOGS = TopicLogs()

#: Set by a running broker watch: looks at the broker now, so that an id read right
#: after is current (recovery calls it before judging a checkpoint).
_refresh: Callable[[], Awaitable[object]] | None = None


def watched_by(refresh: Callable[[], Awaitable[object]]) -> None:
    """Register a running watch's ``refresh``."""
    global _refresh
    _refresh = refresh


def unwatched(refresh: Callable[[], Awaitable[object]]) -> None:
    """Forget ``refresh`` (a watch stopping) if it is the registered one."""
    global _refresh
    if _refresh == refresh:
        _refresh = None


async def look() -> None:
    """Have the running watch (if any) look at the broker now."""
    if _refresh is not None:
        await _refresh()


async def current_id(topic: str) -> str | None:
    """``topic``'s id after a fresh look at the broker (when a watch runs)."""
    await look()
    return LOGS.topic_id(topic)


class Outages:
    """How many times this process's broker watch found the broker away, and whether it
    is away now: a message read from the broker before it went away may be of a log the
    broker has since lost (recovery looks again before admitting the next one).

    >>> o = Outages(); o.went_away(); o.went_away(); o.came_back(); (o.count, o.away)
    (1, False)
    """

    def __init__(self) -> None:
        self.count = 0
        self.away = False

    def went_away(self) -> None:
        if not self.away:
            self.away = True
            self.count += 1

    def came_back(self) -> None:
        self.away = False


#: This process's outages, as its broker watch saw them.
OUTAGES = Outages()
