"""The campaign board in the browser: a campaign's tile shows the spend, orders and ROI of
traffic sent during the test, its status, budget and sparklines of the last hour."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.web.conftest import PageAs
from tests.e2e.web.events import ad_traffic, send, shop_and_campaign

pytestmark = pytest.mark.e2e


def test_a_tile_shows_the_live_numbers_of_traffic_sent_now(
    page_as: PageAs, api: httpx.Client
) -> None:
    shop, campaign = shop_and_campaign(api, "b")
    clicks, orders = ad_traffic(shop, campaign, clicks=20, orders=2)  # ¥20 spent, ¥400 sold
    page = page_as("viewer", tab="board")
    tile = page.locator(f'#board .tile[data-campaign="{campaign}"]')
    expect(tile).to_contain_text("active")
    expect(tile).to_contain_text("no live data yet")

    send(api, "clicks", clicks)
    send(api, "orders", orders)
    spend = tile.locator(".metric", has_text="spend")
    expect(spend).to_contain_text("¥20.00", timeout=15_000)
    expect(tile.locator(".metric", has_text="orders")).to_contain_text("2")
    expect(tile.locator(".metric", has_text="ROI")).to_contain_text("20")
    expect(tile.locator(".metric", has_text="CTR")).to_contain_text("100.00%")
    score = api.get(f"/v1/campaigns/{campaign}/live").json()["match_score"]  # 人货匹配度
    match = tile.locator(".metric", has_text="match").locator(".v")
    if score is None:
        expect(match).to_have_text("—")
    else:
        expect(match).to_have_text(re.compile(r"^\d{1,3}$"))
        assert 0 <= int(match.inner_text()) <= 100
    expect(tile).to_contain_text("¥100.00 / ¥500.00")  # budget / cap
    expect(tile.locator("svg.spark")).to_have_count(2)
    expect(tile).to_contain_text("no action yet")

    page.select_option("#board-window", "5m")
    expect(spend).to_contain_text("¥20.00")
