"""The refund tally: counts in the window, and the usual rate from history, the key's own
past, or the other shops."""

from __future__ import annotations

from warroom.rules.risk.refund_spike import Params, refund_spike
from warroom.schemas.internal import ShopSale
from warroom.streams.refunds import RefundTally

HOUR = 3600.0
T0 = 1_800_000_000.0


def sales(tally: RefundTally, shop: str, orders: int, refunds: int, at: float) -> None:
    for n in range(orders):
        tally.add(
            ShopSale(
                kind="order",
                id=f"{shop}-o{at}-{n}",
                order_id=f"{shop}-o{n}",
                shop_id=shop,
                sku=f"{shop}-sku",
                ts=at,
            )
        )
    for n in range(refunds):
        tally.add(
            ShopSale(
                kind="refund",
                id=f"{shop}-r{at}-{n}",
                order_id=f"{shop}-o{n}",
                shop_id=shop,
                sku=f"{shop}-sku",
                ts=at,
            )
        )


def test_a_new_shop_is_judged_against_the_other_shops_rate() -> None:
    tally = RefundTally()
    for shop in ("a", "b", "c"):
        sales(tally, shop, orders=40, refunds=2, at=T0)
    sales(tally, "bad", orders=30, refunds=10, at=T0)

    counts = tally.counts("shop", "bad", T0, Params())
    assert (counts.paid_orders, counts.refunds) == (30, 10)
    assert counts.baseline_rate == 6 / 120
    hit = refund_spike(counts, Params())
    assert hit is not None and hit.entity == "shop:bad"
    assert refund_spike(tally.counts("shop", "a", T0, Params()), Params()) is None


def test_the_shops_own_past_is_its_baseline_once_it_has_enough_orders() -> None:
    tally = RefundTally()
    sales(tally, "a", orders=100, refunds=30, at=T0 - 3 * 86_400)  # it always refunded 30%
    sales(tally, "a", orders=30, refunds=10, at=T0)

    counts = tally.counts("shop", "a", T0, Params())
    assert (counts.paid_orders, counts.refunds, counts.baseline_rate) == (30, 10, 0.3)
    assert refund_spike(counts, Params()) is None


def test_history_from_the_warehouse_comes_first() -> None:
    tally = RefundTally()
    tally.history[("sku", "a-sku")] = 0.02
    sales(tally, "a", orders=30, refunds=5, at=T0)
    assert tally.counts("sku", "a-sku", T0, Params()).baseline_rate == 0.02


def test_the_window_leaves_out_older_hours() -> None:
    tally = RefundTally()
    sales(tally, "a", orders=10, refunds=1, at=T0 - 2 * HOUR)
    sales(tally, "a", orders=5, refunds=1, at=T0)
    counts = tally.counts("shop", "a", T0, Params(window_s=3600))
    assert (counts.paid_orders, counts.refunds) == (5, 1)
