"""The review queue in the browser: a held order shows with its reasons; a risk analyst
releases one and confirms another's fraud, and the API records both; roles that may not
decide see the queue without the buttons."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.web.conftest import PageAs
from tests.e2e.web.events import burst, fresh_ip

pytestmark = pytest.mark.e2e


def queued(page: Page, api: httpx.Client) -> tuple[str, Locator]:
    """A burst's held order as a row of the open queue (the tab reloads it, but not
    while the pointer is over the queue: it moves away first, as a person's would)."""
    page.mouse.move(5, 5)
    shop = f"shop-{uuid.uuid4().hex[:8]}"
    page.fill("#review-filters [name=shop_id]", shop)  # the queue may hold many orders
    order = burst(api, fresh_ip(), shop=shop)[-1]
    row = page.locator(f'#reviews tr[data-order="{order}"]')
    expect(row).to_be_visible(timeout=15_000)
    return order, row


def test_a_risk_analyst_releases_one_order_and_confirms_another_as_fraud(
    page_as: PageAs, api: httpx.Client
) -> None:
    page = page_as("risk", tab="reviews")
    released, row = queued(page, api)
    expect(row).to_contain_text("HOLD")
    expect(row.locator(".reasons")).to_contain_text("risk.same_ip_burst v")
    expect(row.locator(".reasons")).to_contain_text("6 orders from IP")
    row.locator("button.release").click()
    expect(row.locator(".actions")).to_have_text("released")

    fraud, row = queued(page, api)
    row.locator("button.fraud").click()
    expect(row.locator(".actions")).to_have_text("confirmed fraud")

    assert api.get(f"/v1/reviews/{released}").json()["status"] == "released"
    assert api.get(f"/v1/reviews/{fraud}").json()["status"] == "confirmed_fraud"
    page.select_option("#review-status", "confirmed_fraud")
    expect(page.locator(f'#reviews tr[data-order="{fraud}"]')).to_be_visible()
    expect(page.locator(f'#reviews tr[data-order="{released}"]')).to_have_count(0)


def test_the_decision_shows_on_the_feed(page_as: PageAs, api: httpx.Client) -> None:
    page = page_as("risk", tab="reviews")
    order, row = queued(page, api)
    row.locator("button.release").click()
    page.click("#tab-feed")
    entry = page.locator("#feed li.review", has_text=order)
    expect(entry).to_be_visible(timeout=10_000)
    expect(entry.locator(".badge")).to_have_text("LEGIT")


@pytest.mark.parametrize("role", ["viewer", "buyer"])
def test_roles_that_may_not_decide_see_the_queue_without_buttons(
    page_as: PageAs, api: httpx.Client, role: str
) -> None:
    page = page_as(role, tab="reviews")
    _, row = queued(page, api)
    expect(row).to_contain_text("risk.same_ip_burst")
    expect(row.locator("button")).to_have_count(0)
