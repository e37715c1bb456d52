"""Every rule kind the workers run is either replayed by a backtest or refused with the
reason it cannot be, before any history is read: never an empty report."""

from __future__ import annotations

import pytest

from tests.backtest.events import DAY, DAY0, plan
from warroom.backtest.kinds import NOT_REPLAYED, REPLAYED
from warroom.backtest.run import backtest
from warroom.errors import InvalidEntity
from warroom.rules.registry import BUILTIN, KINDS
from warroom.store.warehouse import Warehouse


def test_every_kind_is_replayed_or_refused_with_a_reason() -> None:
    assert REPLAYED | NOT_REPLAYED.keys() == KINDS.keys()
    assert not REPLAYED & NOT_REPLAYED.keys()
    risk = {kind for kind, k in KINDS.items() if k.family == "risk" and k.scope != "creator"}
    assert risk - {"order_anomaly"} <= REPLAYED  # every order and payment rule but the model's
    assert {kind for _, kind, _ in BUILTIN} <= KINDS.keys()


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("order_anomaly", "learns online"),
        ("stock_guard", "no stock levels"),
        ("hot_product", "no searches"),
        ("creator_trust", "scores creators"),
    ],
)
async def test_a_kind_that_cannot_be_replayed_is_refused(
    chdb: Warehouse, kind: str, why: str
) -> None:
    with pytest.raises(InvalidEntity) as refused:
        await backtest(chdb, plan(kind, {}, {}), DAY0, DAY0 + DAY)
    assert refused.value.field == "kind"
    assert f"backtests cannot replay {kind} rules: " in str(refused.value)
    assert why in str(refused.value)
