"""Refund spikes counted from columns give exactly the hits of every order and refund fed
through the agent's ``RefundTally``: history rates, the key's own earlier rate, the
other keys' rate, a shop filter, windows of hours and days."""

from __future__ import annotations

import random

import pytest

from warroom.backtest.refunds import Sale, SalesColumns, replay_refunds, replay_refunds_columns
from warroom.rules.risk import refund_spike

T0 = 1_741_564_800.0  # 2025-03-10 00:00 UTC


def sales(seed: int) -> list[Sale]:
    """Three days of orders over four shops (SKUs shared by two of them), 8% refunded, and
    on the last day shop s1's refunds run at 40%."""
    rng = random.Random(seed)
    out = []
    for i in range(3000):
        ts = T0 + rng.randrange(3 * 86_400)
        shop = f"s{rng.randrange(4)}"
        sku = f"k{rng.randrange(3)}" if shop in ("s0", "s1") else f"{shop}-k{rng.randrange(2)}"
        out.append(Sale(float(ts), "order", f"o{i}", f"o{i}", shop, sku))
        late = ts >= T0 + 2 * 86_400 and shop == "s1"
        if rng.random() < (0.4 if late else 0.08):
            at = float(ts + rng.randrange(60, 7200))
            out.append(Sale(at, "refund", f"r{i}", f"o{i}", shop, sku))
    return sorted(out, key=lambda s: (s.ts, s.kind == "refund", s.id))


RATES = {("shop", "s1"): 0.08, ("sku", "k1"): 0.05, ("shop", "s3"): 0.2}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("rates", [{}, RATES], ids=["stream", "warehouse"])
@pytest.mark.parametrize(
    "params",
    [
        refund_spike.Params(),
        refund_spike.Params(factor=1.5, min_orders=10, min_refunds=3, window_s=6 * 3600),
        refund_spike.Params(factor=2, window_s=2 * 86_400),
    ],
    ids=["default", "hours", "two-days"],
)
@pytest.mark.parametrize("shop", [None, "s1"])
def test_the_same_hits_as_the_tally(
    seed: int, rates: dict[tuple[str, str], float], params: refund_spike.Params, shop: str | None
) -> None:
    history = sales(seed)
    since = T0 + 86_400
    expected = replay_refunds(history, params, rates, since, shop)
    got = replay_refunds_columns(SalesColumns.of(history), params, rates, since, shop)
    assert got == expected
    assert expected  # every case fires: the comparison is not of two empty sets


def test_nothing_to_judge() -> None:
    assert replay_refunds_columns(SalesColumns.of(sales(1)), refund_spike.Params(), {}, 1e12) == {}
