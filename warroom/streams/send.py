"""Send records as envelopes: one message per target partition, not one per record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from faust.types import TopicT
from pydantic import BaseModel

from warroom.settings import get_settings
from warroom.streams.codecs import encode_envelope
from warroom.streams.partitioning import group_by_partition

R = TypeVar("R", bound=BaseModel)


async def send_envelopes(topic: TopicT, records: Sequence[R], key: Callable[[R], str]) -> int:
    """Group ``records`` by the partition of ``key`` and send one envelope per group.

    Returns the number of messages sent.
    """
    if not records:
        return 0
    groups = group_by_partition(records, key, get_settings().partitions)
    for partition, group in groups.items():
        await topic.send(value=encode_envelope(group), partition=partition)
    return len(groups)
