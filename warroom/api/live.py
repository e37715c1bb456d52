"""The body of a ``/live`` answer: a snapshot's sliding windows and minutes, money in CNY."""

from __future__ import annotations

import time
from typing import Any

from warroom.rules.budget.metrics import DayTotals, live_windows, today_totals
from warroom.schemas.internal import CampaignMinute
from warroom.schemas.types import MONEY_UNITS


def live_body(
    minutes: list[CampaignMinute],
    updated_at: float,
    today: dict[str, Any] | None = None,
    zone: str | None = None,
) -> dict[str, Any]:
    """``as_of`` (now), ``updated_at``, ``windows`` (1 to 60 minutes and ``today``, the
    shop-local day so far) and ``minutes``."""
    now = time.time()
    day = None if today is None else DayTotals.model_validate(today)
    return {
        "as_of": now,
        "updated_at": updated_at,
        "time_zone": zone,
        "windows": {
            **live_windows(minutes, now),
            "today": today_totals(day, now, zone or "Asia/Shanghai"),
        },
        "minutes": [
            {**m.model_dump(), "spend": m.spend / MONEY_UNITS, "gmv": m.gmv / MONEY_UNITS}
            for m in minutes
        ],
    }
