"""The playbook view in the browser, fed real events through the ingest API: a flash
sale's countdown stops its campaign, the radar tags a hot product 今日必抢, an A/B test
names its winner with its confidence, the funnel marks its drop step, the retargeting
audience downloads as CSV, and the fan loop shows T0 / T30; empty panels say what is
missing, refusals are shown, labels switch to Chinese."""

from __future__ import annotations

import csv
import math
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.web.conftest import PageAs, new_key
from tests.e2e.web.events import (
    ad_events,
    follows_of,
    messages_of,
    orders_of,
    searches_of,
    send,
    shop_and_campaign,
    stock_level,
)

pytestmark = pytest.mark.e2e
SLOW = 20_000  # ms: events → worker → live topic → API → the next poll (every 3 s)


def playbook(page_as: PageAs, shop: str, role: str = "viewer", token: str | None = None) -> Page:
    """The playbook view of ``shop``, as a reading role."""
    page = page_as(role, token=token, tab="playbook")
    page.fill("#playbook-filters [name=shop_id]", shop)
    return page


def cell(row: Locator, cls: str) -> Locator:
    return row.locator(f"td.{cls}")


def eventually(check: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "not seen in time"
        time.sleep(0.3)
    return value


def test_flash_sale_countdowns_show_alert_and_the_stopped_campaign(
    page_as: PageAs, api: httpx.Client
) -> None:
    shop, campaign = shop_and_campaign(api, "f")
    selling_out, slowing = f"{shop}-hot", f"{shop}-warm"
    page = playbook(page_as, shop)
    expect(page.locator("#pb-flash .empty")).to_contain_text("No stock countdowns yet")
    time.sleep(1)  # the campaign reaches the worker (control topic) before its orders

    send(api, "stock", [stock_level(shop, s, 100, ago_s=300) for s in (selling_out, slowing)])
    buyers = [f"{shop}-b{n}" for n in range(95)]
    send(api, "orders", orders_of(shop, selling_out, buyers, campaign_id=campaign))
    send(api, "orders", orders_of(shop, slowing, buyers[:60], ago_s=120))

    hot = page.locator(f'#pb-flash tr[data-sku="{selling_out}"]')
    expect(hot.locator(".badge")).to_have_text("stopped", timeout=SLOW)
    expect(hot.locator(".units")).to_have_text("5 / 100")
    expect(hot.locator("code.stopped")).to_have_text(campaign, timeout=SLOW)
    warm = page.locator(f'#pb-flash tr[data-sku="{slowing}"]')
    expect(warm.locator(".badge")).to_have_text("alert")
    expect(warm.locator(".units")).to_have_text("40 / 100")
    expect(warm).to_contain_text("no orders lately")
    expect(page.locator("#pb-flash tbody tr").first).to_have_attribute("data-sku", selling_out)
    expect(page.locator("#pb-flash .count")).to_have_text("(2)")
    assert api.get(f"/v1/campaigns/{campaign}").json()["status"] == "paused"


def test_the_radar_tags_a_hot_product_with_its_rates_and_cycles(
    page_as: PageAs, api: httpx.Client
) -> None:
    shop, campaign = shop_and_campaign(api, "r")
    hot, cold = f"{shop}-hot", f"{shop}-cold"
    ad = {"shop_id": shop, "campaign_id": campaign, "creative_id": f"{campaign}-v"}
    viewers = [f"{shop}-v{n}" for n in range(1000)]
    # searches: 10 in the hour before, 40 in the last hour (+300%); 1,000 impressions,
    # 100 plays (40 to the end), 5 orders: 5 per mille
    searches = searches_of(shop, hot, 10, ago_s=4500) + searches_of(shop, hot, 40)
    send(api, "searches", searches + searches_of(shop, cold, 5))
    plays = {"video_length_s": 30}
    send(
        api,
        "clicks",
        ad_events("impression", {**ad, "product_id": hot}, viewers)
        + ad_events("play", {**ad, "product_id": hot}, viewers[:40], watch_time_s=30, **plays)
        + ad_events("play", {**ad, "product_id": hot}, viewers[40:100], watch_time_s=5, **plays)
        + ad_events("impression", {**ad, "product_id": cold}, viewers[:200]),
    )
    send(api, "orders", orders_of(shop, hot, viewers[:5], campaign_id=campaign, channel="video"))
    page = playbook(page_as, shop)

    row = page.locator(f'#pb-radar tr[data-product="{hot}"]')
    expect(row.locator(".tag.hot")).to_have_text("今日必抢", timeout=SLOW)
    expect(cell(row, "growth")).to_have_text("+300%")
    expect(row).to_contain_text("10 → 40")
    expect(row).to_contain_text("40.00%")  # completion rate
    expect(cell(row, "opm")).to_have_text("5.00")
    expect(row).to_contain_text("new")  # its video's first play was just now
    other = page.locator(f'#pb-radar tr[data-product="{cold}"]')
    expect(other.locator(".tag")).to_have_count(0)
    expect(cell(other, "growth")).to_have_text("—")  # no searches the hour before
    expect(page.locator("#pb-radar tbody tr").first).to_have_attribute("data-product", hot)
    page.select_option("#radar-sort", "completion_rate")
    expect(page.locator("#pb-radar tbody tr").first).to_have_attribute("data-product", hot)


def ab_rule(api: httpx.Client, shop: str, creatives: list[str], min_trials: int) -> str:
    """A published A/B test (CTR) that takes no actions; its id."""
    rule = f"ab.page-{uuid.uuid4().hex[:6]}"
    params = {"creatives": creatives, "metric": "ctr", "min_trials": min_trials,
              "on_winner": "none", "on_loser": "none"}  # fmt: skip
    body = {"id": rule, "kind": "ab_test", "shop_id": shop,
            "draft": {"mode": "enforce", "params": params}}  # fmt: skip
    assert (made := api.post("/v1/rules", json=body)).status_code == 201, made.text
    published = api.post(f"/v1/rules/{rule}/publish", json={"note": "page test"})
    assert published.status_code == 201, published.text
    return rule


def test_ab_tests_show_variants_and_the_winner_with_its_confidence(
    page_as: PageAs, api: httpx.Client
) -> None:
    shop, campaign = shop_and_campaign(api, "a")
    a, b, c, d = (f"{campaign}-{x}" for x in "abcd")
    decided = ab_rule(api, shop, [a, b], min_trials=500)
    running = ab_rule(api, shop, [c, d], min_trials=100_000)
    page = playbook(page_as, shop)  # the rules reach the worker meanwhile
    time.sleep(1)
    viewers = [f"{shop}-v{n}" for n in range(2000)]
    events = []
    for creative, clicks in ((a, 40), (b, 120), (c, 10), (d, 12)):
        ad = {"shop_id": shop, "campaign_id": campaign, "creative_id": creative}
        events += ad_events("impression", ad, viewers)
        events += ad_events("click", ad, viewers[:clicks], cost="0.50")
    send(api, "clicks", events)

    card = page.locator(f'#pb-ab article[data-rule="{decided}"]')
    expect(card.locator(".badge.ab-decided")).to_have_text("decided", timeout=SLOW)
    winner, control = (card.locator(f'tr[data-creative="{x}"]') for x in (b, a))
    expect(winner).to_contain_text("6.00%", timeout=SLOW)  # CTR, once every count is in
    expect(control).to_contain_text("2.00%", timeout=SLOW)
    expect(winner).to_contain_text("120")
    expect(control).to_contain_text("2,000")
    expect(card.locator(".outcome .winner")).to_have_text(b)
    expect(winner.locator(".tag.win")).to_have_text("winner")
    expect(control.locator(".tag")).to_have_text(["control", "loser"])
    confidence = api.get(f"/v1/ab-tests/{decided}").json()["confidence"]
    assert confidence >= 0.95
    shown = f"{math.floor(confidence * 10_000) / 100:.2f}%"  # rounded down: never "100.00%"
    expect(card.locator(".outcome .confidence")).to_have_text(shown, timeout=SLOW)
    still = page.locator(f'#pb-ab article[data-rule="{running}"]')
    expect(still.locator(".badge.ab-running")).to_have_text("running", timeout=SLOW)
    expect(still.locator(".outcome")).to_contain_text("no winner yet")


def test_funnel_audience_and_fan_loop_of_a_shops_viewers(
    page_as: PageAs, api: httpx.Client
) -> None:
    shop, campaign = shop_and_campaign(api, "j")
    ad = {"shop_id": shop, "campaign_id": campaign}
    a, b, r = ({**ad, "creative_id": f"{campaign}-{x}"} for x in "abr")
    va, vb = [f"{shop}-a{n}" for n in range(200)], [f"{shop}-b{n}" for n in range(100)]
    # funnel: A loses most between click and order, B between view and click
    send(api, "clicks", ad_events("impression", a, va) + ad_events("click", a, va[:40]))
    send(api, "clicks", ad_events("impression", b, vb) + ad_events("click", b, vb[:5]))
    send(api, "messages", messages_of(a, va[:4]))
    sold = {"campaign_id": campaign, "channel": "shop"}
    send(api, "orders", orders_of(shop, f"{shop}-x", va[:2], creative_id=a["creative_id"], **sold))
    send(api, "orders", orders_of(shop, f"{shop}-x", vb[:3], creative_id=b["creative_id"], **sold))
    # retargeting: five viewers clicked the product 40 min ago, one of them ordered it
    product, clickers = f"{shop}-p", [f"{shop}-r{n}" for n in range(5)]
    send(api, "clicks", ad_events("click", {**r, "product_id": product}, clickers, ago_s=2400))
    send(api, "orders", orders_of(shop, product, clickers[-1:], campaign_id=campaign))
    # fan loop: four first purchases from a video of creator k two hours ago; two buy again
    creator, fans = f"{shop}-k", [f"{shop}-f{n}" for n in range(4)]
    first = orders_of(shop, f"{shop}-y", fans, ago_s=7200, channel="video", creator_id=creator)
    send(api, "orders", first)
    loop = {"shop_id": shop}
    eventually(
        lambda: [x["t0_buyers"] for x in api.get("/v1/fan-loop", params=loop).json()["data"]] == [4]
    )
    send(api, "orders", orders_of(shop, f"{shop}-y", fans[:2], channel="shop"))
    send(api, "follows", follows_of(shop, fans[:1], creator))
    page = playbook(page_as, shop)

    row_a = page.locator(f'#pb-funnel tr[data-creative="{a["creative_id"]}"]')
    expect(cell(row_a, "step-view")).to_have_text("200", timeout=SLOW)
    expect(cell(row_a, "step-click")).to_have_text("40")
    expect(cell(row_a, "step-message")).to_have_text("4")
    expect(row_a.locator("td.drop")).to_have_text("2", timeout=SLOW)  # the order step
    expect(row_a.locator(".drop-step")).to_contain_text("click → order")
    row_b = page.locator(f'#pb-funnel tr[data-creative="{b["creative_id"]}"]')
    expect(row_b.locator("td.drop")).to_have_text("5", timeout=SLOW)  # the click step
    expect(row_b.locator(".drop-step")).to_contain_text("view → click · 5.00%")

    expect(page.locator("#pb-audience .members")).to_have_text("4", timeout=SLOW)
    for viewer in clickers[:4]:
        expect(page.locator("#pb-audience tbody")).to_contain_text(viewer)
    expect(page.locator("#pb-audience tbody")).not_to_contain_text(clickers[-1])
    with page.expect_download() as download:
        page.click("#audience-csv")
    assert download.value.suggested_filename == "retargeting.csv"
    with Path(download.value.path()).open(encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    assert sorted(x["viewer_id"] for x in rows) == clickers[:4]
    assert {(x["product_id"], x["creative_id"]) for x in rows} == {(product, r["creative_id"])}

    fan = page.locator(f'#pb-loop tr[data-creator="{creator}"]')
    expect(cell(fan, "t0")).to_have_text("4", timeout=SLOW)
    expect(cell(fan, "r48")).to_have_text("2 · 50.00%", timeout=SLOW)
    expect(cell(fan, "t30")).to_have_text("2 · 50.00%")
    expect(cell(fan, "followed")).to_have_text("1 · 25.00%", timeout=SLOW)


def test_empty_panels_say_what_is_missing_and_refusals_are_shown(
    page_as: PageAs, api: httpx.Client
) -> None:
    mine, _ = shop_and_campaign(api, "e")
    page = playbook(page_as, mine)
    for panel, text in (
        ("flash", "needs a stock level"),
        ("radar", "needs searches"),
        ("ab", "kind ab_test"),
        ("funnel", "impressions and clicks"),
        ("audience", "did not order"),
        ("loop", "discovery feed"),
    ):
        expect(page.locator(f"#pb-{panel} .empty")).to_contain_text(text)
    page.click("#lang")
    expect(page.locator("#tab-playbook")).to_have_text("直播打法")
    expect(page.locator("#pb-radar h3")).to_contain_text("三率两周期")
    expect(page.locator("#pb-loop .empty")).to_contain_text("T0 买家")

    scoped = new_key(api, "viewer", [mine])
    page = playbook(page_as, "someone-elses-shop", token=scoped)
    for panel in ("flash", "radar", "ab", "funnel", "audience", "loop"):
        expect(page.locator(f"#pb-{panel} .body .error")).to_contain_text("not scoped to shop")
    page.click("#audience-csv")
    expect(page.locator("#audience-csv-error")).to_contain_text("not scoped to shop")
