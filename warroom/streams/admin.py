"""Create warroom's topics up front, so producers and readers never race the workers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Iterable

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from warroom.errors import BrokerError

log = logging.getLogger(__name__)


def new_topic(name: str, partitions: int, compacted: bool) -> NewTopic:
    if compacted:
        return NewTopic(name, 1, 1, topic_configs={"cleanup.policy": "compact"})
    return NewTopic(name, partitions, 1)


def ensure_topics(
    bootstrap: str, names: Iterable[str], partitions: int, compacted: Collection[str] = ()
) -> list[str]:
    """Create the topics that do not exist yet (existing ones are left as they are).

    ``compacted`` topics get one partition and ``cleanup.policy=compact``. Returns the
    names it created. Blocking: call it before the event loop starts, or from a thread.
    """
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc!r}") from exc
    try:
        missing = [n for n in names if n not in set(admin.list_topics())]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another process won the race
                admin.create_topics([new_topic(n, partitions, n in compacted) for n in missing])
            log.info("created topics %s", ", ".join(missing))
        return missing
    except KafkaError as exc:
        raise BrokerError(f"cannot create topics on {bootstrap}: {exc!r}") from exc
    finally:
        admin.close()
