"""While the SQL store is unreachable the actuator waits and tries again: the decision
is applied once the store is back, never dropped (and the worker's agent never crashes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.actuator.decisions import scale
from tests.actuator.test_actuator import actuator, campaign
from tests.store.entities import World
from warroom.store import retry
from warroom.store.db import Store


class Flaky(Store):
    """The store, unreachable for its first ``down`` sessions."""

    def __init__(self, url: str, down: int) -> None:
        super().__init__(url)
        self.down = down

    @contextmanager
    def session(self) -> Iterator[Session]:
        if self.down > 0:
            self.down -= 1
            raise OperationalError("connect", {}, ConnectionRefusedError("store restarting"))
        with super().session() as session:
            yield session


async def test_a_decision_waits_out_a_store_outage_and_is_applied_once(
    store_url: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "RETRY_S", (0.01,))
    flaky = Flaky(store_url, down=3)
    act, platform = actuator(flaky)
    decision = scale(world.campaign, world.shop, "3000", "3600.00")

    result = await act.handle(decision)
    again = await act.handle(decision)  # redelivered after the outage

    assert flaky.down == 0
    assert result is not None and result.result == "applied" and again is None
    assert campaign(flaky, world.campaign).daily_budget == Decimal("3600")
    assert platform.budget(world.campaign) == Decimal("3600")
    flaky.dispose()
