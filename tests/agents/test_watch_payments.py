"""The payment agent with ``agent.test_context()``: orders and payments of one order on
one partition in, explained verdicts on the verdicts topic out (its sends recorded)."""

from __future__ import annotations

import inspect
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.agents.test_agents import Sent
from warroom.agents import watch_payments
from warroom.agents.watch_payments import watch_payments as watch_payments_agent
from warroom.rules.risk import unknown_order_payment
from warroom.rules.rulebook import Rulebook, RuleVersion
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderOrPayment, OrderSeen
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.codecs import encode_envelope
from warroom.streams.partitioning import partition_for

#: The timer's own body (calling the timer itself would loop forever).
release_parked_payments = inspect.unwrap(watch_payments.release_parked_payments)


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.risk_hits, monkeypatch)


@pytest.fixture(autouse=True)
def by_payer(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """The payment attempts the agent re-keys by payer (judged by watch_payment_failures)."""
    return Sent(topics.payments_by_payer, monkeypatch)


def uid() -> str:
    return uuid.uuid4().hex[:8]


def seen(order_id: str, amount: str = "59.90", shop: str = "shop-7") -> OrderOrPayment:
    ts = datetime.now(UTC).timestamp()
    return OrderOrPayment(
        order=OrderSeen(order_id=order_id, shop_id=shop, user_id="u-1", amount=amount, ts=ts)
    )


def paid(order_id: str, amount: str = "59.90", seconds_ago: float = 0, **over: Any) -> Payment:
    ts = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    fields = {
        "event_id": f"pe-{uid()}",
        "ts": ts,
        "payment_id": f"p-{order_id}",
        "order_id": order_id,
        "amount": amount,
        "method": "alipay",
        "status": "success",
        **over,
    }
    return Payment.model_validate(fields)


def pay(payment: Payment) -> OrderOrPayment:
    return OrderOrPayment(payment=payment)


def on(order_id: str) -> Any:
    return lambda v: v["order_id"] == order_id


def rule_ids(verdict: dict[str, Any]) -> list[str]:
    return [h["rule_id"] for h in verdict["hits"]]


async def test_a_payment_of_another_amount_than_its_order_gives_an_explained_verdict(
    verdicts: Sent,
) -> None:
    oid = f"o-{uid()}"
    payment = paid(oid, amount="49.90")
    async with watch_payments_agent.test_context() as agent:
        await agent.put(encode_envelope([seen(oid), pay(payment)]))
        [verdict] = await verdicts.wait_for(on(oid))

    assert rule_ids(verdict) == ["risk.payment_mismatch"]
    assert verdict["key"] == f"{payment.payment_id}|risk.payment_mismatch@1"
    assert verdict["shop_id"] == "shop-7"
    assert (verdict["outcome"], verdict["mode"]) == ("hold", "enforce")
    assert verdict["entities"] == [
        f"order:{oid}",
        f"payment:{payment.payment_id}",
        "shop:shop-7",
        "user:u-1",
    ]
    observed = verdict["hits"][0]["observed"]
    assert Decimal(observed["paid"]) == Decimal("49.90")
    assert Decimal(observed["order_amount"]) == Decimal("59.90")
    assert "¥10.00 short" in verdict["hits"][0]["explanation"]
    [(partition, _)] = [(p, e) for p, e in verdicts.messages if verdict in e]
    assert partition == partition_for(verdict["order_id"], get_settings().partitions)


async def test_a_payment_before_its_order_waits_for_it_and_is_judged_when_it_comes(
    verdicts: Sent,
) -> None:
    late, fine = f"o-{uid()}", f"o-{uid()}"
    async with watch_payments_agent.test_context() as agent:
        await agent.put(encode_envelope([pay(paid(late, "1.00")), pay(paid(fine))]))
        await agent.put(encode_envelope([seen(fine), seen(late)]))
        [verdict] = await verdicts.wait_for(on(late))

    assert rule_ids(verdict) == ["risk.payment_mismatch"] and verdict["shop_id"] == "shop-7"
    assert [v for v in verdicts.records if v["order_id"] == fine] == []  # amounts agree
    await release_parked_payments()  # neither is still parked as unknown
    assert [v for v in verdicts.records if v["order_id"] in (late, fine)] == [verdict]


async def test_the_same_payment_id_in_two_events_is_a_duplicate_a_redelivery_is_not(
    verdicts: Sent,
) -> None:
    once, twice = f"o-{uid()}", f"o-{uid()}"
    first, again = paid(twice), paid(twice)
    async with watch_payments_agent.test_context() as agent:
        redelivered = paid(once)
        await agent.put(encode_envelope([seen(once), pay(redelivered), pay(redelivered)]))
        await agent.put(encode_envelope([seen(twice), pay(first)]))
        await agent.put(encode_envelope([pay(again)]))
        [verdict] = await verdicts.wait_for(on(twice))

    assert rule_ids(verdict) == ["risk.duplicate_payment"]
    hit = verdict["hits"][0]
    assert hit["observed"]["reasons"] == ["success twice"]
    assert hit["evidence"] == [first.event_id, again.event_id]
    assert [v for v in verdicts.records if v["order_id"] == once] == []


async def test_a_payment_for_an_order_never_seen_is_judged_after_the_grace_period(
    verdicts: Sent,
) -> None:
    lost, waiting = f"o-{uid()}", f"o-{uid()}"
    async with watch_payments_agent.test_context() as agent:
        await agent.put(encode_envelope([pay(paid(lost, seconds_ago=301))]))
        await agent.put(encode_envelope([pay(paid(waiting, seconds_ago=10))]))
        await agent.put(encode_envelope([seen(marker := f"o-{uid()}"), pay(paid(marker, "2"))]))
        await verdicts.wait_for(on(marker))
        await release_parked_payments()

    [verdict] = [v for v in verdicts.records if v["order_id"] == lost]
    assert rule_ids(verdict) == ["risk.unknown_order_payment"]
    assert (verdict["shop_id"], verdict["outcome"]) == ("unknown", "review")
    assert verdict["entities"] == [f"order:{lost}", f"payment:p-{lost}"]
    hit = verdict["hits"][0]
    assert hit["observed"]["waited_s"] >= 301 and hit["thresholds"] == {"grace_s": 300}
    assert [v for v in verdicts.records if v["order_id"] == waiting] == []  # still in grace
    await release_parked_payments()  # judged once, not every second
    assert len([v for v in verdicts.records if v["order_id"] == lost]) == 1


@pytest.mark.parametrize(("mode", "verdicts_seen"), [("off", 0), ("shadow", 1)])
async def test_the_rule_mode_decides_whether_and_how_a_hit_counts(
    verdicts: Sent, monkeypatch: pytest.MonkeyPatch, mode: str, verdicts_seen: int
) -> None:
    book = Rulebook()
    book.publish(
        RuleVersion(
            unknown_order_payment.RULE_ID,
            2,
            mode,
            unknown_order_payment.Params(grace_s=0),  # type: ignore[arg-type]
        )
    )
    monkeypatch.setattr(watch_payments, "rulebook", book)
    oid = f"o-{uid()}"
    async with watch_payments_agent.test_context() as agent:
        await agent.put(encode_envelope([pay(paid(oid))]))
        await agent.put(encode_envelope([seen(marker := f"o-{uid()}"), pay(paid(marker, "2"))]))
        await verdicts.wait_for(on(marker))
        await release_parked_payments()

    found = [v for v in verdicts.records if v["order_id"] == oid]
    assert len(found) == verdicts_seen
    for verdict in found:
        assert verdict["mode"] == "shadow" and verdict["hits"][0]["rule_version"] == 2
    assert oid not in {p.order_id for p in watch_payments.parked.payments()}


async def test_attempts_go_out_keyed_by_card_and_by_the_orders_user(by_payer: Sent) -> None:
    known, later = f"o-{uid()}", f"o-{uid()}"
    first = paid(known, status="failed", card_hash="h1")
    early = paid(later, status="failed", card_hash="h2")
    async with watch_payments_agent.test_context() as agent:
        await agent.put(encode_envelope([seen(known), pay(first), pay(early)]))
        await agent.put(encode_envelope([seen(later)]))
        await by_payer.wait_for(
            lambda a: a["payment"]["order_id"] == later and a["payer"] == "user"
        )

    keyed = sorted((a["payer"], a["key"], a["payment"]["order_id"]) for a in by_payer.records)
    assert keyed == sorted(
        [
            ("card", "h1", known),
            ("user", "u-1", known),
            ("card", "h2", later),
            ("user", "u-1", later),
        ]
    )
    for partition, envelope in by_payer.messages:
        keys = {
            partition_for(f"{a['payer']}:{a['key']}", get_settings().partitions) for a in envelope
        }
        assert keys == {partition}
