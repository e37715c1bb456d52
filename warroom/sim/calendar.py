"""Simulated time in the shops' zone (Asia/Shanghai): the diurnal traffic curve and the
flash sales (秒单) running at a moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from warroom.sim.world import FlashSale

ZONE = ZoneInfo("Asia/Shanghai")
#: Traffic per local hour relative to the evening peak: quiet nights, a lunch bump, and
#: the live-room prime time (20:00-22:00).
DIURNAL = (
    0.45, 0.25, 0.12, 0.08, 0.06, 0.07, 0.12, 0.22, 0.35, 0.45, 0.5, 0.6,
    0.75, 0.65, 0.5, 0.5, 0.55, 0.6, 0.7, 0.85, 1.0, 1.0, 0.9, 0.7,
)  # fmt: skip
MEAN_DIURNAL = sum(DIURNAL) / len(DIURNAL)


def local_minute(ts: float) -> int:
    """Minute of the shop's day at epoch second ``ts`` (0-1439).

    >>> local_minute(1_731_340_800.0)  # 2024-11-12 00:00 in Beijing
    0
    """
    local = datetime.fromtimestamp(ts, ZONE)
    return local.hour * 60 + local.minute


def diurnal(ts: float) -> float:
    """Traffic at ``ts`` relative to the peak (0-1), interpolated within the hour."""
    minute = local_minute(ts)
    hour, frac = divmod(minute, 60)
    return DIURNAL[hour] + (DIURNAL[(hour + 1) % 24] - DIURNAL[hour]) * frac / 60


def local_midnight(day_offset: int, now: float) -> float:
    """Epoch seconds of the shop-local midnight ``day_offset`` days from ``now``'s day.

    >>> local_midnight(0, 1_731_380_000.0)
    1731340800.0
    """
    local = datetime.fromtimestamp(now, ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    return (local + timedelta(days=day_offset)).timestamp()


def sale_on(sales: tuple[FlashSale, ...], sku: str, ts: float) -> FlashSale | None:
    """The flash sale of ``sku`` running at ``ts``, if any."""
    minute = local_minute(ts)
    for sale in sales:
        if sale.sku == sku and sale.minute <= minute < sale.minute + sale.minutes:
            return sale
    return None
