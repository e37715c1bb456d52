"""Click → order attribution in event time (the orders'): last click wins, every outcome is
handed out when its window closes, an order that arrives before its click still counts,
redeliveries count once."""

from __future__ import annotations

from warroom.streams.attribution import Attribution, Pending

NOW = 2_000_000_000.0


def pending(click_id: str, user: str, ts: float, product: str = "p1") -> Pending:
    return Pending(click_id, user, product, ts, {}, 0.1)


def closed(a: Attribution) -> list[tuple[str, bool]]:
    return [(p.click_id, p.converted) for p in a.expire()]


def test_an_order_in_the_window_converts_the_latest_click_before_it() -> None:
    a = Attribution(window_s=600)
    a.click(pending("c1", "u1", 100.0), NOW)
    a.click(pending("c2", "u1", 200.0), NOW)
    won = a.order("u1", "p1", 250.0, NOW)
    assert won is not None and won.click_id == "c2"
    assert closed(a) == []  # both windows are still open
    a.order("u2", "p1", 2000.0, NOW)  # time moves on
    assert closed(a) == [("c1", False), ("c2", True)]


def test_a_second_order_converts_the_click_before_the_first_ones() -> None:
    a = Attribution(window_s=600)
    a.click(pending("c1", "u1", 100.0), NOW)
    a.click(pending("c2", "u1", 200.0), NOW)
    a.order("u1", "p1", 250.0, NOW)
    won = a.order("u1", "p1", 260.0, NOW)
    assert won is not None and won.click_id == "c1"


def test_an_order_for_another_product_or_user_or_too_late_converts_nothing() -> None:
    a = Attribution(window_s=600, lateness_s=0)
    a.click(pending("c1", "u1", 100.0), NOW)
    assert a.order("u1", "p2", 150.0, NOW) is None
    assert a.order("u2", "p1", 150.0, NOW) is None
    assert a.order("u1", "p1", 701.0, NOW) is None
    assert closed(a) == [("c1", False)]


def test_an_order_seen_before_its_click_still_converts_it() -> None:
    a = Attribution(window_s=600)
    a.order("u1", "p1", 130.0, NOW)
    assert a.click(pending("c1", "u1", 100.0), NOW) is True
    a.order("u9", "x", 1000.0, NOW)
    assert closed(a) == [("c1", True)]


def test_a_click_waits_for_the_window_and_the_lateness() -> None:
    a = Attribution(window_s=600, lateness_s=60)
    a.click(pending("c1", "u1", 100.0), NOW)
    a.order("u9", "x", 750.0, NOW)
    assert a.expire() == []
    a.order("u9", "x", 761.0, NOW)
    assert closed(a) == [("c1", False)]


def test_a_redelivered_click_is_held_once_and_never_again_after_it_closed() -> None:
    a = Attribution(window_s=600)
    a.click(pending("c1", "u1", 100.0), NOW)
    a.click(pending("c1", "u1", 100.0), NOW)
    assert len(a) == 1
    a.order("u1", "p1", 120.0, NOW)
    a.order("u9", "x", 1000.0, NOW)
    assert closed(a) == [("c1", True)]
    a.click(pending("c1", "u1", 100.0), NOW)
    assert len(a) == 0


def test_the_watermark_never_passes_the_wall_clock() -> None:
    a = Attribution(window_s=600, lateness_s=0)
    a.click(pending("c1", "u1", 100.0), now=1000.0)
    a.order("u2", "p1", 9_999_999.0, now=1000.0)  # a clock far ahead
    assert a.watermark == 1000.0
    assert closed(a) == [("c1", False)]  # 100 + 600 < 1000


def test_clicks_running_ahead_of_the_orders_are_not_written_off() -> None:
    a = Attribution(window_s=600, lateness_s=60)
    a.click(pending("c1", "u1", 100.0), NOW)
    a.click(pending("c2", "u2", 5000.0), NOW)  # the click stream is far ahead
    assert a.expire() == []  # no order has come yet: c1 may still convert
    won = a.order("u1", "p1", 300.0, NOW)
    assert won is not None and won.click_id == "c1"
