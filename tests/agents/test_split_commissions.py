"""The commission agent with ``agent.test_context()``: an order's lines go out once it is
paid (payment before or after the order), once only; a failed payment pays nothing, a
resent payment is counted once, and a part payment splits what was paid."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.agents.test_agents import Sent, uid
from warroom.agents.split_commissions import split_commissions
from warroom.schemas.commission import OrderMoney
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.commissions, monkeypatch)


def order(order_id: str, amount: str = "100") -> OrderMoney:
    return OrderMoney(
        kind="order", order_id=order_id, ts=datetime.now(UTC).timestamp(), amount=Decimal(amount),
        shop_id="s1", campaign_id="c1", creator_id="k1", referrers=("d1",),
    )  # fmt: skip


def payment(order_id: str, amount: str = "100", status: str = "success") -> OrderMoney:
    return OrderMoney(
        kind="payment", order_id=order_id, ts=datetime.now(UTC).timestamp(),
        amount=Decimal(amount), payment_id=f"p-{uid()}", status=status,
    )  # fmt: skip


async def test_paid_orders_are_split_once(lines: Sent) -> None:
    paid_first, paid_after, failed, partly = (f"o-{uid()}" for _ in range(4))
    twice = payment(paid_after)
    async with split_commissions.test_context() as agent:
        await agent.put(encode_envelope([payment(paid_first), order(paid_first)]))
        await agent.put(encode_envelope([order(paid_after), order(failed), order(partly)]))
        await agent.put(encode_envelope([twice, twice, payment(failed, status="failed")]))
        await agent.put(encode_envelope([payment(partly, "40"), payment(paid_first)]))
        await lines.wait_for(lambda c: c["order_id"] == partly)

    by_order: dict[str, list[tuple[str, str, str]]] = {}
    for c in lines.records:
        by_order.setdefault(c["order_id"], []).append((c["role"], c["party_id"], c["amount"]))
    assert by_order[paid_first] == [
        ("creator", "k1", "10.0000"),
        ("distributor", "d1", "6.0000"),
        ("brand", "s1", "4.0000"),
    ]  # once, though a second payment came
    assert by_order[paid_after] == by_order[paid_first]
    assert failed not in by_order
    assert [a for _, _, a in by_order[partly]] == ["4.0000", "2.4000", "1.6000"]
    assert {(c["campaign_id"], c["rule_version"]) for c in lines.records} == {("c1", 1)}
