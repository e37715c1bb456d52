"""Envelopes land on the partition Kafka's default partitioner picks for their key."""

from __future__ import annotations

import pytest
from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from warroom.streams.partitioning import group_by_partition, partition_for


@given(st.text(max_size=80), st.integers(1, 256))
def test_same_partition_as_aiokafka_default_partitioner(key: str, partitions: int) -> None:
    all_partitions = list(range(partitions))

    expected = DefaultPartitioner()(key.encode(), all_partitions, all_partitions)

    assert partition_for(key, partitions) == expected


@pytest.mark.parametrize(
    # murmur2 values from Kafka's own Java test suite (UtilsTest.testMurmur2).
    ("key", "java_murmur2"),
    [
        ("21", -973932308),
        ("foobar", -790332482),
        ("a-little-bit-long-string", -985981536),
        ("a-little-bit-longer-string", -1486304829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        ("abc", 479470107),
    ],
)
@pytest.mark.parametrize("partitions", [1, 3, 12, 64])
def test_same_partition_as_a_java_producer(key: str, java_murmur2: int, partitions: int) -> None:
    assert partition_for(key, partitions) == (java_murmur2 & 0x7FFFFFFF) % partitions


@pytest.mark.parametrize("ip", ["203.0.113.45", "2001:db8::1", "240e:388:8a1c::1"])
def test_one_ip_always_lands_on_one_partition(ip: str) -> None:
    assert len({partition_for(ip, 12) for _ in range(5)}) == 1
    assert 0 <= partition_for(ip, 12) < 12


def test_grouping_keeps_arrival_order_within_each_partition() -> None:
    orders = [(f"DY24111100{n:04d}", f"203.0.113.{n % 7}") for n in range(60)]

    groups = group_by_partition(orders, key=lambda o: o[1], partitions=4)

    assert sorted(o for g in groups.values() for o in g) == sorted(orders)
    for partition, group in groups.items():
        assert group == [o for o in orders if partition_for(o[1], 4) == partition]


@given(
    st.lists(st.tuples(st.integers(), st.sampled_from(["a", "b", "c", "shop-1", "店铺"]))),
    st.integers(1, 16),
)
def test_grouping_loses_nothing_and_groups_by_key(
    items: list[tuple[int, str]], partitions: int
) -> None:
    groups = group_by_partition(items, key=lambda i: i[1], partitions=partitions)

    assert sum(len(g) for g in groups.values()) == len(items)
    assert all(g for g in groups.values())
    for partition, group in groups.items():
        assert group == [i for i in items if partition_for(i[1], partitions) == partition]


@pytest.mark.parametrize("partitions", [1, 8])
def test_nothing_to_group_gives_no_partitions(partitions: int) -> None:
    assert group_by_partition([], key=str, partitions=partitions) == {}
