"""Send records as envelopes: one message per target partition, not one per record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from faust.types import TopicT
from pydantic import BaseModel

from warroom.observability import metrics
from warroom.settings import get_settings
from warroom.streams.codecs import encode_envelopes
from warroom.streams.partitioning import group_by_partition

R = TypeVar("R", bound=BaseModel)


async def send_envelopes(topic: TopicT, records: Sequence[R], key: Callable[[R], str]) -> int:
    """Group ``records`` by the partition of ``key`` and send one envelope per group
    (several when a group is larger than an envelope may be).

    Returns the number of messages sent.
    """
    sent = 0
    for partition, group in group_by_partition(records, key, get_settings().partitions).items():
        for envelope in encode_envelopes(group):
            await topic.send(value=envelope, partition=partition)
            sent += 1
    metrics.events_out(topic.get_topic_name(), len(records))
    return sent
