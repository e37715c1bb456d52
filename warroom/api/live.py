"""The body of a ``/live`` answer: a snapshot's sliding windows and minutes, money in CNY."""

from __future__ import annotations

import time
from typing import Any

from warroom.rules.budget.metrics import live_windows
from warroom.schemas.internal import CampaignMinute
from warroom.schemas.types import MONEY_UNITS


def live_body(minutes: list[CampaignMinute], updated_at: float) -> dict[str, Any]:
    """``as_of`` (now), ``updated_at``, ``windows`` (1 to 60 minutes) and ``minutes``."""
    now = time.time()
    return {
        "as_of": now,
        "updated_at": updated_at,
        "windows": live_windows(minutes, now),
        "minutes": [
            {**m.model_dump(), "spend": m.spend / MONEY_UNITS, "gmv": m.gmv / MONEY_UNITS}
            for m in minutes
        ],
    }
