"""How a budget decision reads in one line: the evidence, the change, the rule, the result."""

from __future__ import annotations

import pytest

from warroom.schemas.budget import evidence


@pytest.mark.parametrize(
    ("observed", "text"),
    [
        ({"spend_30m": 620.0, "orders_30m": 0}, "spend ¥620.00 in 30 min, 0 orders"),
        (
            {"ctr_60m": 0.008, "impressions_60m": 6000},
            "CTR 0.80% in 60 min, 6,000 impressions",
        ),
        (
            {"roi_15m": 3.1, "target_roi": 2.5, "orders_15m": 6},
            "ROI 3.10 in 15 min, 6 orders",
        ),
        ({"gmv_today": 12_345.6, "gpm_today": 210.0}, "gmv ¥12,345.60 today, GPM ¥210.00"),
        ({"completion_rate_5m": 0.31, "cvr_5m": None}, "completion rate 31.00% in 5 min, CVR n/a"),
        ({"spend_1m": 10.0, "spend_5m": 40.0}, "spend ¥10.00 in 1 min, spend ¥40.00 in 5 min"),
        ({"cpa_30m": 35.5}, "CPA ¥35.50 in 30 min"),
        ({"target_cpa": 300.0, "ctr_rank_pct": 5.0}, ""),
    ],
)
def test_evidence_names_each_window_once(observed: dict[str, float | None], text: str) -> None:
    assert evidence(observed) == text
