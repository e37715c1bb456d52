"""Budget actions in the browser: an applied scale shows on the feed with its explanation;
the Revert button brings the budget back; roles that may not revert get no button."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.web.conftest import PageAs, new_key
from tests.e2e.web.events import ad_traffic, send, shop_and_campaign

pytestmark = pytest.mark.e2e


def budget(api: httpx.Client, campaign: str) -> float:
    return float(api.get(f"/v1/campaigns/{campaign}").json()["daily_budget"])


@pytest.fixture(scope="module")
def scaled(api: httpx.Client) -> tuple[str, str]:
    """A campaign of a fresh shop whose enforce-mode rule scales its budget ¥100 → ¥300:
    (shop, campaign), once the decision is applied."""
    shop, campaign = shop_and_campaign(api, "r")
    rule = f"budget.w{uuid.uuid4().hex[:8]}"
    draft = {
        "mode": "enforce",
        "condition": "roi_15m >= 2 and orders_15m >= 3",
        "action": {"type": "scale", "factor": 3},
        "guardrails": {"learning_minutes": 0, "cooldown_s": 3600, "max_actions_per_day": 5},
    }
    body = {"id": rule, "kind": "condition", "shop_id": shop, "scope": "campaign", "draft": draft}
    assert (made := api.post("/v1/rules", json=body)).status_code == 201, made.text
    assert api.post(f"/v1/rules/{rule}/publish", json={}).status_code == 201
    time.sleep(1.5)  # the control topic reaches the worker
    clicks, orders = ad_traffic(shop, campaign, clicks=100, orders=5, cost="1.50")
    send(api, "clicks", clicks)
    send(api, "orders", orders)
    deadline = time.monotonic() + 20
    while budget(api, campaign) != 300:
        decided = api.get("/v1/decisions", params={"rule_id": rule}).json()["data"]
        assert time.monotonic() < deadline, f"no scale applied within 20 s: {decided}"
        time.sleep(0.3)
    return shop, campaign


def scale_entry(page: Page, campaign: str) -> Locator:
    page.fill("#feed-filters [name=campaign]", campaign)
    entry = page.locator("#feed li.decision", has_text="SCALE").first
    expect(entry).to_contain_text("applied", timeout=15_000)
    return entry


def test_an_applied_scale_explains_itself_and_a_revert_restores_the_budget(
    page_as: PageAs, api: httpx.Client, scaled: tuple[str, str]
) -> None:
    shop, campaign = scaled
    page = page_as("buyer", token=new_key(api, "buyer", [shop]))
    entry = scale_entry(page, campaign)
    entry.locator(".line").click()
    detail = entry.locator(".detail")
    expect(detail).to_contain_text("roi_15m >= 2 and orders_15m >= 3")  # the condition
    expect(detail).to_contain_text("orders_15m:5")  # observed
    expect(detail).to_contain_text("daily_budget: ¥100.00 → ¥300.00")  # the change

    entry.locator("button.revert").click()
    expect(entry.locator(".actions")).to_have_text("revert requested")
    deadline = time.monotonic() + 15
    while budget(api, campaign) != 100:
        assert time.monotonic() < deadline, "the revert did not restore the budget in 15 s"
        time.sleep(0.3)
    revert = page.locator("#feed li.decision:has(.badge.revert)")
    expect(revert).to_contain_text("applied", timeout=10_000)
    expect(revert).to_contain_text("daily_budget ¥300.00 → ¥100.00")
    expect(entry.locator(".actions")).to_have_text("reverted")


@pytest.mark.parametrize("role", ["risk", "viewer", "other shop's buyer"])
def test_roles_that_may_not_revert_see_no_button(
    page_as: PageAs, api: httpx.Client, scaled: tuple[str, str], role: str
) -> None:
    _, campaign = scaled
    token = new_key(api, "buyer", ["shop-elsewhere"]) if role.startswith("other") else None
    page = page_as("viewer" if token else role, token=token)
    if token:  # a buyer scoped to another shop does not even see the decision
        page.fill("#feed-filters [name=campaign]", campaign)
        expect(page.locator("#feed-count")).to_have_text("0 / 0")  # nothing of that shop
        return
    entry = scale_entry(page, campaign)
    expect(entry.locator("button")).to_have_count(0)
