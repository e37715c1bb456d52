"""Which origins (input offset, position in the message) the counters have counted from
one input partition, as a few runs of origins counted in order.

The ingest hop forwards an input partition in order, but a pass may start before what
was counted (it reads the partition again from the group's commit after a crash or a
rebalance: copies) or after something it has not forwarded yet (after a broker lost its
topics, a consumer reads the new log from its position on the old one until it rejoins,
then from the start: the new log's first message comes behind later ones). Only the
highest origin counted took that first message for a copy; runs know it was never
counted. A pass extends the run it is in (origins skipped between two counted ones are
messages for other partitions of the counters) and merges with the next run when it
reaches it, so there is one run in the steady state and a few after a restart.
"""

from __future__ import annotations

from bisect import bisect_right

Mark = tuple[int, int]  # (input offset, position in the message)
#: At most this many runs per input partition: the lowest are forgotten beyond (a copy
#: of what they held would be counted again).
MAX_RUNS = 8
#: What an origin saved as the highest counted (checkpoints before runs) stands for: every
#: origin up to it.
FIRST: Mark = (-1, -1)


class OriginRuns:
    """Disjoint runs ``[first, last]`` of counted origins, sorted; ``current`` is the run
    the forwarding pass is in.

    >>> runs = OriginRuns()
    >>> [runs.counted((n, 0)) for n in (1, 2, 0, 1, 2, 3)]
    [False, False, False, True, True, False]
    >>> runs.runs
    [[(0, 0), (3, 0)]]
    """

    __slots__ = ("current", "runs")

    def __init__(self, runs: list[list[Mark]] | None = None) -> None:
        self.runs: list[list[Mark]] = runs or []
        self.current: int | None = None

    @classmethod
    def up_to(cls, mark: Mark) -> OriginRuns:
        """Every origin up to ``mark`` counted (what an older checkpoint kept)."""
        return cls([[FIRST, mark]])

    def counted(self, mark: Mark) -> bool:
        """Whether ``mark`` was counted already; if not, it is recorded as counted."""
        runs, current = self.runs, self.current
        if current is None and runs and mark > runs[-1][1]:
            current = len(runs) - 1  # after a restore: the pass goes on from the top
        if current is not None and mark > runs[current][1]:
            nxt = current + 1
            if nxt == len(runs) or mark < runs[nxt][0]:  # the pass goes on: extend
                runs[current][1] = mark
                self.current = current
                return False
        at = bisect_right(runs, mark, key=lambda run: run[0]) - 1  # last run starting <=
        if at >= 0 and mark <= runs[at][1]:
            if current is not None and current < at:  # the pass reached a run above it
                runs[at][0] = runs[current][0]
                del runs[current:at]
                at = current
            self.current = at
            return True
        if current is not None and mark > runs[current][1]:  # past the next runs: swallow
            while current + 1 < len(runs) and runs[current + 1][0] <= mark:
                del runs[current + 1]
            runs[current][1] = mark
            self.current = current
            return False
        runs.insert(at + 1, [mark, mark])  # a pass starting below what was counted
        self.current = at + 1
        if len(runs) > MAX_RUNS:  # forget the lowest run but the pass's own
            lowest = 1 if self.current == 0 else 0
            del runs[lowest]
            self.current -= 1 - lowest
        return False

    def top(self) -> Mark | None:
        """The highest origin counted."""
        return self.runs[-1][1] if self.runs else None
