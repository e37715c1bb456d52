"""The simulated economics: live-commerce ROI (0.5-5), realised by the traffic itself, and
purchase propensity that depends on viewer profile × product category."""

from __future__ import annotations

import random
from collections import defaultdict

from warroom.sim.profiles import affinity
from warroom.sim.traffic import Traffic
from warroom.sim.world import build_world

T0 = 1_795_000_000.0


def test_true_roi_is_what_live_commerce_ads_see() -> None:
    for seed in range(5):
        world = build_world(random.Random(seed))
        sellers = [c.true_roi for c in world.campaigns if not c.burner]
        assert all(0.5 <= roi <= 5.0 for roi in sellers)
        assert min(sellers) < 1 < 3 < max(sellers)  # losers and winners in every world
        assert all(c.true_roi == 0 for c in world.campaigns if c.burner)


def test_the_traffic_yields_the_hidden_roi() -> None:
    traffic = Traffic(11, attack_every_s=1e9, playbook=False)  # no flash sale, no sell-out
    spend: dict[str, float] = defaultdict(float)
    gmv: dict[str, float] = defaultdict(float)
    for step in range(300):
        out = traffic.tick(T0 + step, 2000)
        for click in out.get("clicks", []):
            spend[click["campaign_id"]] += float(click["cost"])
        for order in out.get("orders", []):  # attack orders come through search: no campaign
            gmv[order.get("campaign_id", "")] += float(order["amount"])
    for camp in traffic.world.campaigns:
        seen = gmv[camp.campaign_id] / spend[camp.campaign_id]
        assert abs(seen - camp.true_roi) <= 0.25 * camp.true_roi + 0.1, camp.campaign_id


def test_who_buys_depends_on_profile_and_category() -> None:
    woman = ("f", "24-30", 4, 1)
    man = ("m", "50+", 4, 1)
    assert affinity(*woman, "beauty", 99.0) > 3 * affinity(*man, "beauty", 99.0)
    assert affinity(*man, "digital", 99.0) > affinity(*woman, "digital", 99.0)
    poor, rich = ("f", "24-30", 1, 3), ("f", "24-30", 5, 3)
    assert affinity(*rich, "home", 299.0) > 2 * affinity(*poor, "home", 299.0)


def test_clicks_of_matching_viewers_turn_into_orders_more_often() -> None:
    """What a match-score model learns from: click → order outcomes by profile."""
    traffic = Traffic(5, attack_every_s=1e9)
    clicks: dict[bool, int] = defaultdict(int)
    orders: dict[bool, int] = defaultdict(int)
    camps = {c.campaign_id: c for c in traffic.world.campaigns}
    for step in range(200):
        out = traffic.tick(T0 + step, 2000)
        bought = {(o["user_id"], o.get("campaign_id")) for o in out.get("orders", [])}
        for click in (c for c in out.get("clicks", []) if c["kind"] == "click"):
            camp, v = camps[click["campaign_id"]], click["viewer"]
            fit = affinity(v["gender"], v["age_band"], v["spending_power"], v["city_tier"],
                           camp.product.category, camp.product.price)  # fmt: skip
            good = fit > camp.mean_affinity
            clicks[good] += 1
            orders[good] += (v["viewer_id"], camp.campaign_id) in bought
    assert orders[True] / clicks[True] > 1.5 * orders[False] / clicks[False]
