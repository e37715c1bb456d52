"""Night surge: orders in a sensitive local-time slot far above the slot's baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator

from warroom.rules.base import Hit, RuleParams

RULE_ID = "risk.night_surge"


class Params(RuleParams):
    start: time = Field(time(2, 0), description="local time the slot opens (shop time zone)")
    end: time = Field(
        time(4, 0), description="local time the slot closes (excluded); before start: overnight"
    )
    factor: float = Field(
        6.0, ge=1, le=1000, description="orders above factor × baseline fire (6× = +500%)"
    )
    min_orders: int = Field(
        20, ge=1, le=1_000_000, description="orders the slot needs before the rule acts"
    )
    score: float = Field(30, ge=0, le=100, description="risk score a hit adds")

    @model_validator(mode="after")
    def _a_real_slot(self) -> Params:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are local wall-clock times, without a zone")
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self


@dataclass(frozen=True, slots=True)
class SlotCounts:
    """What the agent keeps for one shop (or one SKU) in the current slot."""

    scope: Literal["shop", "sku"]
    key: str
    #: The shop's IANA time zone ("Asia/Shanghai"); None or unknown: no hit.
    tz: str | None
    #: Orders in this slot so far (or in a sliding window of the slot's length), judged included.
    orders: int
    #: Expected orders over the same span, from history or the stream; None: no baseline yet.
    baseline: float | None


def local_slot(ts: float, tz: str | None, params: Params) -> str | None:
    """The slot an event time falls in, named by the local date and time it opened.

    None outside the slot or for an unknown time zone. A slot across midnight
    (23:00-01:00) is named by the evening it opened. Slots follow the wall clock:
    on a spring-forward night a 02:00-04:00 slot lasts one hour, on a fall-back
    night three.

    >>> local_slot(1731348000.0, "Asia/Shanghai", Params())  # 18:00 UTC = 02:00 in Beijing
    '2024-11-12T02:00'
    >>> local_slot(1731348000.0, "UTC", Params()) is None
    True
    """
    local = _local(ts, tz)
    return None if local is None else _slot(local, params)


def slot_opened(slot: str, tz: str) -> float | None:
    """Epoch seconds a slot opened, from its name (as ``local_slot`` gives it) and zone.

    >>> slot_opened("2024-11-12T02:00", "Asia/Shanghai")
    1731348000.0
    """
    zone = _zone(tz)
    return None if zone is None else datetime.fromisoformat(slot).replace(tzinfo=zone).timestamp()


def night_surge(ts: float, counts: SlotCounts, params: Params) -> Hit | None:
    """Judge an order placed at ``ts`` against its shop's (or SKU's) slot counts.

    Hit when ``ts`` lies in the slot in the shop's local time, the slot holds at
    least ``min_orders`` orders and more than ``factor`` × the baseline.

    >>> counts = SlotCounts("shop", "s1", "Asia/Shanghai", orders=31, baseline=5.0)
    >>> night_surge(1731348000.0, counts, Params()).thresholds["limit"]
    30.0
    """
    local = _local(ts, counts.tz)
    slot = None if local is None else _slot(local, params)
    baseline = counts.baseline
    if local is None or slot is None or baseline is None:
        return None
    if not (math.isfinite(baseline) and baseline >= 0):
        return None
    limit = params.factor * baseline
    if counts.orders < params.min_orders or counts.orders <= limit:
        return None
    window = f"{params.start:%H:%M}-{params.end:%H:%M}"
    ratio = counts.orders / baseline if baseline > 0 else None
    times = "no orders expected" if ratio is None else f"{ratio:.1f}× the baseline of {baseline:g}"
    return Hit(
        rule_id=RULE_ID,
        entity=f"{counts.scope}:{counts.key}",
        score=params.score,
        observed={
            "orders": counts.orders,
            "baseline": baseline,
            "ratio": ratio,
            "slot": slot,
            "tz": counts.tz,
            "local_time": f"{local:%H:%M}",
        },
        thresholds={
            "factor": params.factor,
            "limit": limit,
            "min_orders": params.min_orders,
            "window": window,
        },
        explanation=(
            f"{counts.orders} orders for {counts.scope} {counts.key} in the {window} slot "
            f"opened {slot} ({counts.tz}): {times} "
            f"(more than {params.factor:g}× fires, from {params.min_orders} orders)"
        ),
    )


def _slot(local: datetime, params: Params) -> str | None:
    t = local.time()
    if not _inside(t, params.start, params.end):
        return None
    opened = local.date()
    if params.start > params.end and t < params.end:
        opened -= timedelta(days=1)
    return f"{opened.isoformat()}T{params.start:%H:%M}"


def _inside(t: time, start: time, end: time) -> bool:
    if start < end:
        return start <= t < end
    return t >= start or t < end


def _local(ts: float, tz: str | None) -> datetime | None:
    zone = _zone(tz) if tz else None
    return None if zone is None else datetime.fromtimestamp(ts, zone)


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
