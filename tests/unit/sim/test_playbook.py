"""The playbook's events in the simulated world: stock levels with a flash sale that sells
its allotment out, searches that make the radar tag the sale's product, messages before
orders, follows after first purchases and the followers' repurchases; reproducible from
the seed, and absent from the risk stream ``warroom eval`` sends."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import pytest

from warroom.rules.radar.hot_product import Params, hot_product
from warroom.rules.radar.metrics import RadarCounts, radar_metrics
from warroom.sim.stream import RISK_KINDS, generate
from warroom.sim.traffic import EVENTS_PER_IMPRESSION, Traffic
from warroom.streams.codecs import validate_items

T0 = 1_795_000_000.0  # 2026-11-18 19:06:40 in Beijing: no flash sale of the world's near
START = 1_795_104_000.0  # 2026-11-20 00:00 in Beijing
PLAYBOOK_KINDS = {"stock", "searches", "messages", "follows"}
Events = dict[str, list[dict[str, Any]]]


def live(
    seed: int = 7, seconds: float = 420, rate: float = 200, t0: float = T0
) -> tuple[Traffic, Events]:
    """What the demo sends in its first ``seconds`` at ``rate`` events a second, from ``t0``."""
    traffic = Traffic(seed, pace=lambda ts: rate / EVENTS_PER_IMPRESSION)
    out: Events = defaultdict(list)
    owed = 0.0
    for step in range(int(seconds * 10)):
        owed += rate / EVENTS_PER_IMPRESSION / 10
        for kind, events in traffic.tick(t0 + step / 10, int(owed)).items():
            out[kind].extend(events)
        owed -= int(owed)
    return traffic, out


def epoch(ts: str) -> float:
    return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


@pytest.fixture(scope="module")
def demo() -> tuple[Traffic, Events]:
    return live()


def test_the_demo_sends_every_kind_valid_and_the_same_for_the_same_seed(
    demo: tuple[Traffic, Events],
) -> None:
    _, out = demo
    assert set(out) >= PLAYBOOK_KINDS
    for kind, events in out.items():
        good, bad = validate_items(kind, enumerate(events))
        assert bad == [] and len(good) == len(events), kind
    _, again = live(seconds=20)
    _, other = live(seed=8, seconds=20)

    def early(events: Events) -> Events:
        """The events of the first 15 s (later ones depend on how long the run was)."""
        kept = {k: [x for x in v if epoch(x["ts"]) < T0 + 15] for k, v in events.items()}
        return {k: v for k, v in kept.items() if v}

    assert early(again) == early(out)
    assert other["searches"] != again["searches"]


def test_the_demo_flash_sale_sells_its_allotment_out_then_sells_nothing(
    demo: tuple[Traffic, Events],
) -> None:
    traffic, out = demo
    sale = traffic.sales[-1]  # the demo's own sale, opened at the first tick
    levels = [e for e in out["stock"] if e["sku"] == sale.sku]
    start, allotment, back = levels  # the usual stock, the sale's allotment, the restock
    assert start["ts"] == allotment["ts"] == out["clicks"][0]["ts"]
    assert 20 <= allotment["available"] < start["available"] // 10
    left, gone = allotment["available"], None
    for order in (o for o in out["orders"] if o["sku"] == sale.sku):
        if gone is not None:  # sold out: an ad's click sells nothing until the restock
            assert order["channel"] != "live" or order["ts"] >= back["ts"], order
        left -= order["quantity"]
        gone = gone or (order["ts"] if left <= 0 else None)
    assert gone is not None and epoch(gone) < T0 + sale.minutes * 60  # within the sale
    assert back["available"] == start["available"]
    assert epoch(back["ts"]) > T0 + sale.minutes * 60 - 60  # after the sale's last minute


def counts(events: Events, product: str, now: float, window_s: int) -> RadarCounts:
    """The radar's counts of ``product`` at ``now``, straight from the events."""

    def n(topic: str, field: str, start: float, end: float, **match: str) -> int:
        return sum(
            start <= epoch(e["ts"]) < end and all(e.get(k) == v for k, v in match.items())
            for e in events[topic]
            if e.get(field) == product
        )

    cur, before = (now - window_s, now), (now - 2 * window_s, now - window_s)
    return RadarCounts(
        product_id=product,
        window_s=window_s,
        searches=n("searches", "product_id", *cur),
        searches_before=n("searches", "product_id", *before),
        impressions=n("clicks", "product_id", *cur, kind="impression"),
        plays=0,
        completions=0,
        orders=n("orders", "sku", *cur),
        units=0,
    )


def tagged(events: Events, products: set[str], now: float) -> set[str]:
    params = Params()
    hits = {p: counts(events, p, now, params.window_s) for p in products}
    return {p for p, c in hits.items() if hot_product(c, radar_metrics(c), params)}


def test_the_demo_flash_sale_product_is_the_one_the_radar_tags(
    demo: tuple[Traffic, Events],
) -> None:
    traffic, out = demo
    products = {e["product_id"] for e in out["searches"]}
    assert len(products) == 9  # every product but the burners' is searched
    assert tagged(out, products, T0 + 60) == {traffic.sales[-1].sku}


@pytest.mark.parametrize("hour", [12, 13, 20, 21])
def test_the_demo_tags_its_sale_product_in_the_hours_after_the_worlds_own_sales(
    hour: int,
) -> None:
    """The world's winners sell at 12:00 and 20:00: the demo started within the next hour
    or two still tags its product (the radar compares the last hour with the one before,
    which a sale of the same product then would have heated too)."""
    t0 = START + hour * 3600 + 600
    traffic, out = live(seconds=70, t0=t0)
    products = {e["product_id"] for e in out["searches"]}
    assert tagged(out, products, t0 + 60) == {traffic.sales[-1].sku}


@pytest.fixture(scope="module")
def noon() -> Events:
    """10:00-12:30 shop time, dense enough for the radar's 1,000 impressions an hour."""
    stream = generate(7, START + 10 * 3600, 2.5, 100_000)
    out: Events = defaultdict(list)
    for kind, event in stream.events:
        out[kind].append(event)
    return out


def test_searches_grow_before_a_flash_sale_until_the_radar_tags_its_product(
    noon: Events,
) -> None:
    winners = {"SKU-101", "SKU-201", "SKU-301"}  # each shop's winner sells at 12:00
    products = {e["product_id"] for e in noon["searches"]}
    assert tagged(noon, products, START + 11 * 3600) == set()
    assert tagged(noon, products, START + 12 * 3600 + 300) & winners


def test_each_flash_sale_gets_its_allotment_before_and_its_stock_back_after(
    noon: Events,
) -> None:
    sale, end = START + 12 * 3600, START + 12 * 3600 + 300
    for sku in ("SKU-101", "SKU-201", "SKU-301"):
        levels = [(epoch(e["ts"]), e["available"]) for e in noon["stock"] if e["sku"] == sku]
        (started, usual), (allotted, units), (back, again) = levels
        assert started == START + 10 * 3600 and sale - 300 <= allotted < sale
        assert units < usual // 10 and again == usual and end < back < end + 300


def test_messages_come_from_clickers_and_some_before_their_orders(
    demo: tuple[Traffic, Events],
) -> None:
    _, out = demo
    clicked: dict[tuple[str, str], float] = {}  # the first click of a viewer on a creative
    for c in out["clicks"]:
        if c["kind"] == "click":
            clicked.setdefault((c["viewer"]["viewer_id"], c["creative_id"]), epoch(c["ts"]))
    ordered = {(o["user_id"], o.get("creative_id")): epoch(o["ts"]) for o in out["orders"]}
    before_orders = 0
    for m in out["messages"]:
        key = (m["viewer_id"], m["creative_id"])
        assert key in clicked and clicked[key] <= epoch(m["ts"])
        before_orders += key in ordered and epoch(m["ts"]) <= ordered[key]
    assert 0 < before_orders < len(out["messages"])  # some ask and do not buy
    assert before_orders < len(out["orders"]) / 2  # most buyers do not ask


def test_followers_follow_after_a_first_purchase_and_some_buy_again_within_48h(
    noon: Events,
) -> None:
    orders: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for o in noon["orders"]:
        orders[(o["user_id"], o["shop_id"])].append(o)
    again = 0
    for f in noon["follows"]:
        bought = sorted(orders[(f["user_id"], f["shop_id"])], key=lambda o: o["ts"])
        assert bought and bought[0]["ts"] < f["ts"] and bought[0]["channel"] == "live"
        later = [o for o in bought[1:] if o["ts"] > f["ts"] and o["channel"] == "shop"]
        again += bool(later) and epoch(later[0]["ts"]) - epoch(bought[0]["ts"]) < 48 * 3600
    assert 0.3 * len(noon["follows"]) < again < len(noon["follows"])


def test_the_risk_stream_eval_sends_holds_no_playbook_event_and_is_unchanged() -> None:
    risk = generate(7, START, 3, 15_000, ad_share=0.1)
    assert {k for k, _ in risk.events} <= set(RISK_KINDS)
    without = generate(7, START, 3, 15_000, ad_share=0.1, playbook=False)
    assert risk.events == without.events and risk.attacks == without.attacks
    full = generate(7, START, 3, 15_000, playbook=True)
    assert {k for k, _ in full.events} == set(RISK_KINDS) | PLAYBOOK_KINDS
    assert full.attacks == generate(7, START, 3, 15_000, playbook=False).attacks
