"""Reports in the browser: the traffic report of a shop shows the traffic sent during the
test as a table and a chart, and downloads as CSV."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import PageAs
from tests.e2e.web.events import ad_traffic, send, shop_and_campaign

pytestmark = pytest.mark.e2e


def shown(page: Page, campaign: str, timeout: float = 20) -> None:
    """Ask for the report until its table lists ``campaign`` (the warehouse sink writes
    within about a second)."""
    deadline = time.monotonic() + timeout
    while True:
        page.click("#report-form button.primary")
        try:
            expect(page.locator("#report-table td", has_text=campaign).first).to_be_visible(
                timeout=2_000
            )
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_the_traffic_report_of_a_shop_shows_as_table_and_chart_and_csv(
    page_as: PageAs, api: httpx.Client
) -> None:
    shop, campaign = shop_and_campaign(api, "t")
    clicks, orders = ad_traffic(shop, campaign, clicks=30, orders=3)
    send(api, "clicks", clicks)
    send(api, "orders", orders)
    page = page_as("viewer", tab="reports")
    page.fill("#report-form [name=shop_id]", shop)
    shown(page, campaign)

    expect(page.locator("#report-chart svg rect").first).to_be_visible()
    page.select_option("#report-metric", "clicks")
    expect(page.locator("#report-chart svg title").first).to_contain_text("clicks: 30")
    with page.expect_download() as download:
        page.click("#report-csv")
    assert download.value.suggested_filename == "traffic.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert campaign in text and text.splitlines()[0].startswith("bucket")


def test_a_bad_filter_shows_the_apis_message(page_as: PageAs) -> None:
    page = page_as("viewer", tab="reports")
    page.fill("#report-form [name=shop_id]", "x" * 65)
    page.click("#report-form button.primary")
    expect(page.locator("#report-table .error")).to_contain_text("shop_id")
