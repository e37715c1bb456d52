"""Create warroom's topics up front, so producers and readers never race the workers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from warroom.errors import BrokerError

log = logging.getLogger(__name__)


def ensure_topics(bootstrap: str, names: Iterable[str], partitions: int) -> list[str]:
    """Create the topics that do not exist yet (existing ones are left as they are).

    Returns the names it created. Blocking: call it before the event loop starts,
    or from a thread.
    """
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc!r}") from exc
    try:
        missing = [n for n in names if n not in set(admin.list_topics())]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another process won the race
                admin.create_topics([NewTopic(n, partitions, 1) for n in missing])
            log.info("created topics %s", ", ".join(missing))
        return missing
    except KafkaError as exc:
        raise BrokerError(f"cannot create topics on {bootstrap}: {exc!r}") from exc
    finally:
        admin.close()
