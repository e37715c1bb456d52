"""Send records as envelopes: one message per target partition, not one per record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from faust.types import TopicT

from warroom.observability import metrics
from warroom.settings import get_settings
from warroom.streams.codecs import Record, encode_envelopes, join_envelopes
from warroom.streams.handover import on_written
from warroom.streams.partitioning import group_by_partition

R = TypeVar("R", bound=Record)


async def send_envelopes(
    topic: TopicT,
    records: Sequence[R],
    key: Callable[[R], str],
    written: Sequence[bytes] | None = None,
) -> int:
    """Group ``records`` by the partition of ``key`` and send one envelope per group
    (several when a group is larger than an envelope may be). ``written``: the records
    already as JSON (``record_json``), for records sent to several topics.

    Returns the number of messages sent. An agent of this process that reads ``topic``
    may decide them as soon as the broker has them (``handover``).
    """
    sent = 0
    partitions = get_settings().partitions
    if written is None:
        groups = group_by_partition(records, key, partitions)
        envelopes = {p: encode_envelopes(group) for p, group in groups.items()}
    else:
        indices = group_by_partition(range(len(records)), lambda i: key(records[i]), partitions)
        envelopes = {p: join_envelopes(written[i] for i in group) for p, group in indices.items()}
    acked = on_written(topic)
    for partition, messages in envelopes.items():
        for envelope in messages:
            await topic.send(value=envelope, partition=partition, callback=acked)
            sent += 1
    metrics.events_out(topic.get_topic_name(), len(records))
    return sent
