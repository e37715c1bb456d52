"""The live feed in the browser: a verdict caused by orders sent during the test shows up,
newest first, explains itself when opened, and the filters and language switch work."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.web.conftest import PageAs
from tests.e2e.web.events import burst, fresh_ip

pytestmark = pytest.mark.e2e


def test_a_burst_sent_now_shows_as_a_hold_that_explains_itself(
    page_as: PageAs, api: httpx.Client
) -> None:
    page = page_as("viewer")
    ip = fresh_ip()
    orders = burst(api, ip)

    entry = page.locator("#feed li.verdict", has_text=f"order {orders[-1]} ")
    expect(entry).to_be_visible(timeout=15_000)
    expect(entry.locator(".badge").first).to_have_text("HOLD")
    expect(entry).to_contain_text(f"6 orders from IP {ip}")

    entry.locator(".line").click()
    detail = entry.locator(".detail")
    expect(detail).to_contain_text("risk.same_ip_burst")
    expect(detail).to_contain_text("max_orders")  # thresholds
    expect(detail).to_contain_text("orders:6")  # observed
    expect(detail).to_contain_text("60 s")  # window
    expect(detail).to_contain_text(orders[0])  # evidence


def test_the_newest_entry_is_on_top_and_filters_narrow_the_feed(
    page_as: PageAs, api: httpx.Client
) -> None:
    page = page_as("viewer")
    first = burst(api, fresh_ip(), shop="shop-a")
    expect(page.locator("#feed li", has_text=first[-1])).to_be_visible(timeout=15_000)
    second = burst(api, fresh_ip(), shop="shop-b")
    expect(page.locator("#feed li").first).to_contain_text(second[-1], timeout=15_000)

    page.fill("#feed-filters [name=shop]", "shop-a")
    expect(page.locator("#feed li", has_text=first[-1])).to_be_visible()
    expect(page.locator("#feed li", has_text=second[-1])).to_have_count(0)
    page.select_option("#feed-filters [name=kind]", "decision")
    expect(page.locator("#feed li.verdict")).to_have_count(0)
    page.select_option("#feed-filters [name=kind]", "")
    page.fill("#feed-filters [name=shop]", "")
    expect(page.locator("#feed li", has_text=second[-1])).to_be_visible()


def test_the_labels_switch_between_english_and_chinese(page_as: PageAs) -> None:
    page = page_as("viewer")
    expect(page.locator("#tab-reviews")).to_have_text("Review queue")
    page.click("#lang")
    expect(page.locator("#tab-reviews")).to_have_text("审核队列")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.reload()  # the choice is remembered
    page.wait_for_selector("#app:not([hidden])")
    expect(page.locator("#tab-reviews")).to_have_text("审核队列")
    page.click("#lang")
    expect(page.locator("#tab-reviews")).to_have_text("Review queue")


def test_a_bad_key_is_refused_and_the_page_asks_for_another(
    page_as: PageAs, keys: dict[str, str]
) -> None:
    page = page_as("viewer")
    page.click("#logout")
    expect(page.locator("#login")).to_be_visible()
    page.fill("#login-key", "wk_000000000000.not-a-key")
    page.click("#login button")
    expect(page.locator("#login-error")).to_have_text("This key was refused")
    page.fill("#login-key", keys["risk"])
    page.click("#login button")
    expect(page.locator("#who")).to_contain_text("risk")


def test_a_busy_feed_is_drawn_in_batches_and_capped(page_as: PageAs, api: httpx.Client) -> None:
    page = page_as("viewer")
    page.evaluate(
        """() => {
            window.drawn = 0;  // DOM updates of the list
            window.frames = 0;  // animation frames meanwhile
            new MutationObserver(() => window.drawn++).observe(
                document.querySelector("#feed"), {childList: true});
            const tick = () => { window.frames++; requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
        }"""
    )
    ips = [fresh_ip() for _ in range(6)]
    last = [burst(api, ip, n=60)[-1] for ip in ips]  # 6 × 55 orders over the limit
    expect(page.locator("#feed li", has_text=f"order {last[-1]} ")).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('#feed-count').textContent.split(' / ')[1] >= 330"
    )
    assert page.locator("#feed li").count() == 300  # the cap
    drawn, frames = page.evaluate("[window.drawn, window.frames]")
    assert drawn <= frames + 1, f"{drawn} DOM updates in {frames} frames"  # one per frame
    assert drawn < 330, f"{drawn} DOM updates for 330 verdicts"
    drained(api, last)


def drained(api: httpx.Client, orders: list[str], timeout: float = 120) -> None:
    """Wait until the review queue has taken in ``orders`` (330 held orders keep the
    queueing agent busy for a while; the next tests expect their orders queued at once)."""
    deadline = time.monotonic() + timeout
    for order in orders:
        while api.get(f"/v1/reviews/{order}").status_code != 200:
            assert time.monotonic() < deadline, f"{order} not queued in {timeout} s"
            time.sleep(0.5)
