"""The demo's store holds the simulated world, as if it had run for two hours."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.sim.seed import seed_store
from warroom.sim.world import build_world
from warroom.store.commerce import CAMPAIGNS, CREATIVES
from warroom.store.db import Store, migrate


def test_the_world_is_seeded_once_and_past_its_learning_phase(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    migrate(url)
    store = Store(url)
    world = build_world(random.Random(7))
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    with store.session() as session:
        assert seed_store(session, world, now) == len(world.campaigns)
    with store.session() as session:
        assert seed_store(session, world, now) == 0
        burners = [c for c in world.campaigns if c.burner]
        assert len(burners) == 3
        row = session.get(CAMPAIGNS.model, burners[0].campaign_id)
        assert row is not None
        assert row.status == "active"
        assert row.created_at.replace(tzinfo=UTC) == now - timedelta(hours=2)
    store.dispose()


def test_every_campaigns_creatives_are_seeded_once_for_its_product(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    migrate(url)
    store = Store(url)
    world = build_world(random.Random(7))
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    with store.session() as session:
        seed_store(session, world, now)
    with store.session() as session:
        seed_store(session, world, now)  # again: nothing new, no conflict
        rows = session.query(CREATIVES.model).all()
        expected = {cr: c for c in world.campaigns for cr in c.creatives}
        assert {r.id for r in rows} == set(expected)
        for row in rows:
            camp = expected[row.id]
            assert (row.campaign_id, row.product_id) == (camp.campaign_id, camp.product.sku)
            assert row.shop_id == camp.shop_id and row.status == "active"
            assert row.created_at.replace(tzinfo=UTC) == now - timedelta(hours=2)
    store.dispose()
