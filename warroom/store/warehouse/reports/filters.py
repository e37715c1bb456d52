"""What every report is filtered by, and its SQL: shops (a key's scope and the ``shop_id``
asked for), campaign, creative, creator, the time range ``[since, until)`` and the time
bucket (hour or day, in a time zone).

Pure: it builds ``WHERE`` conditions and ``%(name)s`` parameters for the tables'
own column names; no client, no clock. Buckets come back as epoch seconds
(``toUInt32(toStartOfHour(ts, tz))``): the same on 18.16 and modern ClickHouse,
whatever either does with a DateTime's zone on the way out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warroom.errors import InvalidEntity

Granularity = Literal["hour", "day"]
#: The longest time range a report covers.
MAX_SPAN = timedelta(days=92)
#: The most rows a report returns (``limit``).
MAX_ROWS = 50_000
BUCKET = {"hour": "toStartOfHour", "day": "toStartOfDay"}
#: Filter name -> the column it compares, unless a table names it otherwise.
DIMENSIONS = ("campaign_id", "creative_id", "creator_id")


@dataclass(frozen=True)
class Filters:
    """A report's filters, checked (``check``) before any SQL is built."""

    since: datetime
    until: datetime
    shops: tuple[str, ...] | None = None  # None: every shop
    campaign_id: str | None = None
    creative_id: str | None = None
    creator_id: str | None = None
    granularity: Granularity = "hour"
    tz: str = "UTC"
    limit: int = 10_000

    def check(self) -> Filters:
        """These filters, or InvalidEntity naming the first bad field."""
        for name in ("since", "until"):
            if getattr(self, name).tzinfo is None:
                raise InvalidEntity("a time needs its zone (e.g. 2025-03-01T00:00:00Z)", name)
        if self.until <= self.since:
            raise InvalidEntity("until must come after since", "until")
        if self.until - self.since > MAX_SPAN:
            raise InvalidEntity(f"a report covers at most {MAX_SPAN.days} days", "since")
        if not 1 <= self.limit <= MAX_ROWS:
            raise InvalidEntity(f"limit must lie in 1..{MAX_ROWS}", "limit")
        if self.shops is not None and not self.shops:
            raise InvalidEntity("no shop to report on", "shop_id")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidEntity(f"unknown time zone {self.tz!r}", "tz") from None
        return self

    def params(self) -> dict[str, Any]:
        """The query parameters every condition below refers to."""
        return {
            "since": self.since.astimezone(UTC),
            "until": self.until.astimezone(UTC),
            "shops": tuple(self.shops or ()),
            "tz": self.tz,
            **{name: getattr(self, name) for name in DIMENSIONS},
        }

    def where(
        self, ts: str | None = "ts", shop: str = "shop_id", dims: Mapping[str, str] | None = None
    ) -> str:
        """``cond AND cond ...`` over a table's columns (``dims``: filter -> column; a
        filter whose column is not named is not applied to that table)."""
        conds = [] if ts is None else [f"{ts} >= %(since)s", f"{ts} < %(until)s"]
        if self.shops is not None:
            conds.append(f"{shop} IN %(shops)s")
        columns = {name: name for name in DIMENSIONS} if dims is None else dims
        for name, column in columns.items():
            if getattr(self, name) is not None:
                conds.append(f"{column} = %({name})s")
        return " AND ".join(conds) or "1"

    def bucket(self, ts: str = "ts") -> str:
        """The bucket of ``ts`` as epoch seconds (hour or day, in ``tz``)."""
        return f"toUInt32({BUCKET[self.granularity]}({ts}, %(tz)s))"


def window(
    since: datetime | None, until: datetime | None, now: datetime, default: timedelta
) -> tuple[datetime, datetime]:
    """``[since, until)`` with defaults: until now, since ``default`` before until.

    >>> now = datetime(2025, 3, 2, tzinfo=UTC)
    >>> window(None, None, now, timedelta(days=1))[0]
    datetime.datetime(2025, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    end = until or now
    return (since or end - default), end


def bucket_time(epoch: int, tz: str) -> datetime:
    """A bucket's start (epoch seconds from the query) as an aware time in ``tz``.

    >>> bucket_time(1740787200, "Asia/Shanghai").isoformat()
    '2025-03-01T08:00:00+08:00'
    """
    return datetime.fromtimestamp(epoch, ZoneInfo(tz))
