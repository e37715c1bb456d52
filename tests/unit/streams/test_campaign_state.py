"""The campaign counters skip what the ingest hop forwarded twice (after a crash it reads
its input again from the last committed offset), and keep that memory in checkpoints."""

from __future__ import annotations

import msgspec
import orjson

from warroom.schemas.internal import Activity
from warroom.streams.campaign_state import FORMAT, CampaignState
from warroom.streams.deadletter import Source, split
from warroom.streams.partitioning import partition_for
from warroom.streams.snapshots import pack, unpack
from warroom.streams.windows import CreativeCounters, MinuteCounters

T0 = 1_790_000_000.0
PARTITIONS = 4


def state() -> CampaignState:
    return CampaignState(MinuteCounters(), CreativeCounters(), PARTITIONS)


def impression(campaign: str, offset: int, position: int, source: int = 0) -> Activity:
    return Activity(
        campaign_id=campaign,
        creative_id=f"{campaign}-cr",
        shop_id="s1",
        ts=T0,
        kind="impression",
        spend=100,
        src=(0, source, offset, position),
    )


def impressions(s: CampaignState, campaign: str) -> int:
    return sum(m.impressions for m in s.counters.minutes(campaign))


def test_a_forwarded_copy_is_counted_once() -> None:
    s = state()
    first = [impression("c1", offset, pos) for offset in (10, 11) for pos in range(3)]
    for act in first + first[2:]:  # the hop read offsets 10 (from position 2) and 11 again
        s.add(act, now=None)
    s.add(impression("c1", 12, 0), now=None)
    assert impressions(s, "c1") == 7
    assert sum(m.impressions for m in s.creatives.minutes("c1-cr")) == 7


def test_other_input_partitions_and_unknown_origins_are_counted() -> None:
    s = state()
    s.add(impression("c1", 10, 0, source=0), now=None)
    s.add(impression("c1", 10, 0, source=1), now=None)
    s.add(msgspec.structs.replace(impression("c1", 3, 0, source=1), src=None), now=None)
    assert impressions(s, "c1") == 3


def test_a_recreated_input_log_starts_counting_again() -> None:
    s = state()
    s.add(impression("c1", 5_000_000, 0), now=None)
    s.add(impression("c1", 0, 0), now=None)  # offsets from 0 again: a new topic
    s.add(impression("c1", 1, 0), now=None)
    assert impressions(s, "c1") == 3


def test_the_marks_travel_with_the_checkpoint() -> None:
    s = state()
    s.add(impression("c1", 10, 0), now=None)
    p = partition_for("c1", PARTITIONS)
    moved = state()
    moved.load(p, s.dump(p))
    moved.add(impression("c1", 10, 0), now=None)  # the copy reaches the new owner
    assert impressions(moved, "c1") == 1


def test_a_checkpoint_of_the_format_before_still_skips_copies() -> None:
    """Format 2 kept the highest origin counted per input partition; it is read as
    "every origin up to it" (an upgrade does not lose the counters)."""
    s = state()
    s.add(impression("c1", 10, 0), now=None)
    p = partition_for("c1", PARTITIONS)
    counters, creatives, _ = unpack(s.dump(p), FORMAT)
    older = pack(2, (counters, creatives, {(0, 0): (10, 0)}))
    moved = state()
    moved.load(p, older)
    moved.add(impression("c1", 10, 0), now=None)  # a copy
    moved.add(impression("c1", 11, 0), now=None)
    assert impressions(moved, "c1") == 2


def test_the_first_input_message_forwarded_behind_later_ones_is_counted() -> None:
    """After a broker lost its topics the ingest hop forwarded the new clicks log's
    offsets 1.. (read from its old position), then 0.. after rejoining."""
    s = state()
    for offset in (1, 2, 0, 1, 2, 3):
        s.add(impression("c1", offset, 0), now=None)
    assert impressions(s, "c1") == 4


def test_ingest_marks_each_valid_event_with_where_it_was_read() -> None:
    good = {
        "event_id": "e1",
        "ts": "2026-09-21T08:00:00Z",
        "payment_id": "p1",
        "order_id": "o1",
        "amount": "1.00",
        "method": "alipay",
        "status": "success",
    }
    bad = {**good, "method": "paypal"}
    value = orjson.dumps([good, bad, {**good, "event_id": "e2"}])
    events, dead, origins = split("payments", [Source("t.payments.v1", 3, 42, value)])
    assert origins == [(3, 42, 0), (3, 42, 1)] and len(events) == 2 and len(dead) == 1
