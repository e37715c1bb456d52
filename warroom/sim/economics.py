"""The hidden economics of a campaign: how CPM, CTR, conversion and order value make ROI.

ROI = GMV / spend = (CTR × CVR × order value) / (CPM / 1000). A world picks a true ROI per
campaign and derives the conversion rate from it, so ROI stays in the range live-commerce
ads see (0.5-5), whatever the prices.
"""

from __future__ import annotations

#: Quantities an order takes, equally likely (mean 1.6).
QUANTITIES = (1, 1, 1, 2, 3)
MEAN_QUANTITY = sum(QUANTITIES) / len(QUANTITIES)
#: Conversion rates a click can have, at most (a live room rarely converts more).
MAX_CVR = 0.4


def roi_of(ctr: float, cvr: float, order_value: float, cpm: float) -> float:
    """Expected GMV per CNY of spend.

    >>> round(roi_of(0.05, 0.1, 60.0, 150.0), 2)
    2.0
    """
    return ctr * cvr * order_value * 1000 / cpm if cpm > 0 else 0.0


def conversion_rate(roi: float, ctr: float, order_value: float, cpm: float) -> float:
    """The click → order rate that makes ``roi`` (at most ``MAX_CVR``).

    >>> round(conversion_rate(2.0, 0.05, 60.0, 150.0), 4)
    0.1
    """
    return min(MAX_CVR, roi * cpm / (ctr * order_value * 1000))
