"""Put the simulated world's shops, products and campaigns into a store, as if they had
been running for two hours (past the learning phase), so that the demo's budget rules
have real entities to judge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from warroom.sim.world import World
from warroom.store import crud
from warroom.store.commerce import CAMPAIGNS, PRODUCTS, SHOPS

ACTOR = "simulator"


def seed_store(session: Session, world: World, now: datetime | None = None) -> int:
    """Create what the store does not have yet; returns how many campaigns it created."""
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
                    "target_cpa": Decimal(20),
                    "target_roi": Decimal(2),
                    "status": "active",
                    "created_at": started,
                },
                ACTOR,
            )
            created += 1
    return created
