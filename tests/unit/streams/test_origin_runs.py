"""The counters' memory of counted origins: copies from any earlier pass are skipped, and
an origin that came late (behind later ones) is counted, not taken for a copy."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from warroom.streams.origin_runs import MAX_RUNS, OriginRuns


def marks(offsets: range | list[int]) -> list[tuple[int, int]]:
    return [(o, p) for o in offsets for p in range(3)]


def count(runs: OriginRuns, sent: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [m for m in sent if not runs.counted(m)]


def test_a_pass_again_from_an_earlier_offset_is_all_copies() -> None:
    runs = OriginRuns()
    assert count(runs, marks(range(10, 20))) == marks(range(10, 20))
    assert count(runs, marks(range(14, 25))) == marks(range(20, 25))
    assert len(runs.runs) == 1


def test_the_first_message_of_a_new_log_forwarded_late_is_counted() -> None:
    """Seen after a tansu restart: offsets 1.. of the new log first (read from the old
    log's position), then 0.. once the consumer re-joined."""
    runs = OriginRuns()
    assert count(runs, marks([1, 2, 3])) == marks([1, 2, 3])
    assert count(runs, marks(range(0, 6))) == marks([0, 4, 5])
    assert runs.runs == [[(0, 0), (5, 2)]], "one run again once the passes met"


def test_origins_of_other_partitions_between_do_not_split_a_run() -> None:
    runs = OriginRuns()
    assert count(runs, marks([3, 7, 12, 40])) == marks([3, 7, 12, 40])
    assert runs.runs == [[(3, 0), (40, 2)]]
    assert count(runs, marks([7, 12])) == []


def test_a_checkpoint_of_the_highest_origin_only_keeps_its_meaning() -> None:
    runs = OriginRuns.up_to((9, 2))
    assert count(runs, marks([5, 9, 10])) == marks([10])


def test_memory_stays_bounded_under_many_late_passes() -> None:
    runs = OriginRuns()
    for start in range(100, 0, -5):  # each pass starts lower and stops short
        assert count(runs, [(start, 0), (start + 1, 0)]) == [(start, 0), (start + 1, 0)]
        assert len(runs.runs) <= MAX_RUNS
    assert count(runs, [(5, 0), (6, 0), (7, 0)]) == [(7, 0)], "the last pass goes on"
    assert runs.runs[0] == [(5, 0), (7, 0)]


@given(st.integers(0, 2**31), st.integers(1, 60), st.integers(0, 10))
def test_interleaved_passes_from_a_commit_count_each_origin_once(
    seed: int, length: int, passes: int
) -> None:
    """Forwarders interleaved at random (a rebalance hands the partition over while the
    old owner still forwards), each starting at a commit, i.e. at or below the first
    origin not counted yet: every origin is counted exactly once."""
    rng = random.Random(seed)
    origins = marks(sorted(rng.sample(range(length * 3), length)))
    runs, counted = OriginRuns(), []
    cursors = [list(origins)]
    for _ in range(passes * 3):
        live = [c for c in cursors if c]
        if not live:
            break
        if len(cursors) <= passes and rng.random() < 0.2:  # a new pass from a commit
            frontier = len(counted)  # in order: the first origin not counted yet
            cursors.append(list(origins[rng.randrange(frontier + 1) :]))
            continue
        counted.extend(count(runs, [rng.choice(live).pop(0)]))
    for cursor in cursors:
        counted.extend(count(runs, cursor))
    assert sorted(counted) == origins, "each origin once"


@given(st.integers(0, 2**31), st.integers(1, 60), st.integers(0, 4))
def test_a_pass_that_skipped_the_start_is_made_good_by_passes_from_it(
    seed: int, length: int, again: int
) -> None:
    """A pass from anywhere (a consumer reading a new log from its position on the old
    one), stopping anywhere (it rejoins), then passes from the start, each maybe cut
    short by a rebalance, the last to the end: every origin is counted exactly once."""
    rng = random.Random(seed)
    origins = marks(sorted(rng.sample(range(length * 3), length)))
    runs = OriginRuns()
    first = rng.randrange(len(origins))
    counted = count(runs, origins[first : rng.randrange(first, len(origins) + 1)])
    for _ in range(again):
        counted.extend(count(runs, origins[: rng.randrange(len(origins) + 1)]))
    counted.extend(count(runs, origins))
    assert sorted(counted) == origins, "each origin once"
