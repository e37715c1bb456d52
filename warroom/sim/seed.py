"""Put the simulated world's shops, products, campaigns and creatives into a store, as if
they had been running for two hours (past the learning phase), so that the demo's budget
rules have real entities to judge; and the demo's creative A/B test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from warroom.sim.world import Campaign, World
from warroom.store import crud, rulebook
from warroom.store.commerce import CAMPAIGNS, CREATIVES, PRODUCTS, SHOPS
from warroom.store.models import Rule

ACTOR = "simulator"


def seed_store(session: Session, world: World, now: datetime | None = None) -> int:
    """Create what the store does not have yet; returns how many campaigns it created
    (their creatives with them)."""
    started = (now or datetime.now(UTC)) - timedelta(hours=2)
    for shop_id in sorted({c.shop_id for c in world.campaigns}):
        if session.get(SHOPS.model, shop_id) is None:
            crud.create(
                session,
                SHOPS,
                {
                    "id": shop_id,
                    "name": f"Demo shop {shop_id}",
                    "platform": "douyin",
                    "time_zone": "Asia/Shanghai",
                    "currency": "CNY",
                    "created_at": started,
                },
                ACTOR,
            )
    created = 0
    for camp in world.campaigns:
        product = camp.product
        if session.get(PRODUCTS.model, product.sku) is None:
            price = Decimal(str(product.price))
            crud.create(
                session,
                PRODUCTS,
                {
                    "id": product.sku,
                    "shop_id": product.shop_id,
                    "title": f"{product.category} {product.sku}",
                    "category": product.category,
                    "list_price": price,
                    "cost_price": (price * Decimal("0.4")).quantize(Decimal("0.01")),
                    "stock": 10_000,
                    "created_at": started,
                },
                ACTOR,
            )
        if session.get(CAMPAIGNS.model, camp.campaign_id) is None:
            crud.create(
                session,
                CAMPAIGNS,
                {
                    "id": camp.campaign_id,
                    "shop_id": camp.shop_id,
                    "platform": "douyin",
                    "objective": "orders",
                    "daily_budget": Decimal(3000),
                    "bid": Decimal("1.00"),
                    "budget_cap": Decimal(10_000),
                    "target_cpa": Decimal(str(camp.target_cpa)),
                    "target_roi": Decimal(str(camp.target_roi)),
                    "status": "active",
                    "created_at": started,
                },
                ACTOR,
            )
            created += 1
        seed_creatives(session, camp, started)
    return created


def seed_creatives(session: Session, camp: Campaign, started: datetime) -> None:
    """The campaign's creatives (videos of its product) the store does not have yet."""
    for creative_id in camp.creatives:
        if session.get(CREATIVES.model, creative_id) is None:
            crud.create(
                session,
                CREATIVES,
                {
                    "id": creative_id,
                    "campaign_id": camp.campaign_id,
                    "product_id": camp.product.sku,
                    "title": f"{camp.product.category} video {creative_id}",
                    "video_length_s": 30,
                    "status": "active",
                    "created_at": started,
                },
                ACTOR,
            )


def seed_ab_test(session: Session, world: World, control_topic: str) -> str | None:
    """Publish a CTR test between the two creatives of the first shop's steady campaign
    (its creatives' hidden CTRs differ), unless the store has it; its rule id. It takes
    no action on a result: the demo's budget rules stay the ones moving budgets."""
    camp = next(c for c in world.campaigns if c.role == "steady")
    rule_id = f"ab.demo-{camp.campaign_id}"
    if session.get(Rule, rule_id) is not None:
        return None
    params = {"creatives": list(camp.creatives), "metric": "ctr", "min_trials": 1000,
              "on_winner": "none", "on_loser": "none"}  # fmt: skip
    draft = {"mode": "enforce", "params": params}
    title = f"Demo: which video of campaign {camp.campaign_id} gets clicked more"
    rulebook.create_rule(session, ACTOR, rule_id, "ab_test", title, camp.shop_id, draft)
    rulebook.publish(session, ACTOR, rule_id, None, "the demo's A/B test", control_topic)
    return rule_id
