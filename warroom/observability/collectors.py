"""Metrics read at scrape time: the process's ``stats`` counters, and consumer lag from
Faust's monitor.

Lag per partition is the high watermark of the worker's last fetch from it minus the next
offset it will read (0 until the first fetch). tansu's ListOffsets answer is wrong when a
partition's last batch holds several records (DESIGN.md; measured: 3 batches of 5
records, end offset 11 instead of 15), but the high watermark of its fetch responses is
right (15), and that is what Faust's monitor keeps: the gauge holds on tansu too. Tools
that ask ListOffsets (``kafka-consumer-groups.sh``, aiokafka's ``end_offsets``) do not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from warroom.streams import stats


class StatsCollector(Collector):
    """``stats.counters`` (what ``GET /v1/stats`` shows) as ``warroom_count_total{name}``."""

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "warroom_count", "The process's named counters (GET /v1/stats)", labels=["name"]
        )
        for name, value in stats.snapshot().items():
            family.add_metric([name], value)
        yield family


class Monitor(Protocol):
    """What the lag collector reads of Faust's ``app.monitor``."""

    @property
    def tp_end_offsets(self) -> Mapping[Any, int]: ...
    @property
    def tp_read_offsets(self) -> Mapping[Any, int]: ...
    @property
    def tp_committed_offsets(self) -> Mapping[Any, int]: ...


def lags(ends: Mapping[Any, int], read: Mapping[Any, int]) -> dict[tuple[str, int], int]:
    """Messages not read yet per (topic, partition): end offset - (last read + 1), ≥ 0.

    >>> from collections import namedtuple
    >>> TP = namedtuple("TP", "topic partition")
    >>> lags({TP("t", 0): 10, TP("t", 1): 3}, {TP("t", 0): 4, TP("t", 1): 5})
    {('t', 0): 5, ('t', 1): 0}
    """
    out = {}
    for tp, end in ends.items():
        last = read.get(tp)
        out[(tp.topic, tp.partition)] = max(0, end - (last + 1 if last is not None else 0))
    return out


class LagCollector(Collector):
    """Consumer lag and committed offsets of the Faust worker's partitions."""

    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor

    def collect(self) -> Iterator[GaugeMetricFamily]:
        # list() copies in one step: the worker's loop updates these dicts meanwhile
        ends = dict(list(self.monitor.tp_end_offsets.items()))
        read = dict(list(self.monitor.tp_read_offsets.items()))
        committed = list(self.monitor.tp_committed_offsets.items())
        lag = GaugeMetricFamily(
            "warroom_consumer_lag",
            "Messages not yet read per partition, as of the worker's last fetch",
            labels=["topic", "partition"],
        )
        for (topic, partition), value in sorted(lags(ends, read).items()):
            lag.add_metric([topic, str(partition)], value)
        yield lag
        offsets = GaugeMetricFamily(
            "warroom_consumer_committed_offset",
            "The worker group's committed offset per partition",
            labels=["topic", "partition"],
        )
        for tp, offset in sorted(committed):
            offsets.add_metric([tp.topic, str(tp.partition)], offset)
        yield offsets


_registered: set[str] = set()


def register_once(name: str, collector: Collector) -> None:
    """Register ``collector`` with the default registry unless one of ``name`` is."""
    if name not in _registered:
        REGISTRY.register(collector)
        _registered.add(name)


def watch_stats() -> None:
    register_once("stats", StatsCollector())


def watch_consumer(monitor: Monitor) -> None:
    register_once("lag", LagCollector(monitor))
