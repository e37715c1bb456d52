"""Explicit partitioning: envelopes are grouped by the partition their key hashes to.

The hash is Kafka's default (murmur2), so an envelope lands on the same partition
a keyed single-event send would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from aiokafka.partitioner import murmur2

T = TypeVar("T")


def partition_for(key: str, partitions: int) -> int:
    """Kafka's default partition of ``key`` among ``partitions``: murmur2 in Python,
    ~6 µs a key, so cached (the same keys, campaigns, IPs, shops, come back with every
    batch, and checkpoints cut state by it); nothing to hash with one partition.

    >>> partition_for("1.2.3.4", 4) == partition_for("1.2.3.4", 4)
    True
    """
    return 0 if partitions == 1 else _hashed(key, partitions)


@lru_cache(maxsize=1 << 18)
def _hashed(key: str, partitions: int) -> int:
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def group_by_partition(
    items: Iterable[T], key: Callable[[T], str], partitions: int
) -> dict[int, list[T]]:
    """Items grouped by the partition of their key, in arrival order within a group."""
    if partitions == 1:  # the embedded default: no key to hash
        everything = list(items)
        return {0: everything} if everything else {}
    groups: dict[int, list[T]] = defaultdict(list)
    for item in items:
        groups[partition_for(key(item), partitions)].append(item)
    return dict(groups)
