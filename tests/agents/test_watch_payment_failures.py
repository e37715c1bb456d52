"""The repeated-payment-failures agent with ``agent.test_context()``: attempts keyed by
payer in, explained verdicts out; a success right after a run of failures is caught too."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.agents.test_agents import Sent
from warroom.agents.watch_payment_failures import watch_payment_failures
from warroom.rules.risk.suppression import AllowEntry
from warroom.schemas.control import AllowListChanged
from warroom.schemas.events import Payment
from warroom.schemas.internal import OrderSeen
from warroom.schemas.payer import PayerAttempt
from warroom.streams import topics
from warroom.streams.allow_list import allow_list
from warroom.streams.codecs import encode_envelope


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.risk_hits, monkeypatch)


def uid() -> str:
    return uuid.uuid4().hex[:8]


def attempt(payer: str, key: str, status: str, seconds_ago: float) -> PayerAttempt:
    oid = f"o-{uid()}"
    ts = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    payment = Payment.model_validate(
        {
            "event_id": f"pe-{uid()}",
            "ts": ts,
            "payment_id": f"p-{oid}",
            "order_id": oid,
            "amount": "19.90",
            "method": "card",
            "status": status,
            "card_hash": key if payer == "card" else "h-other",
        }
    )
    order = OrderSeen(
        order_id=oid, shop_id="shop-3", user_id=key, amount="19.90", ts=ts.timestamp()
    )
    return PayerAttempt(
        payer=payer,  # type: ignore[arg-type]
        key=key,
        payment=payment,
        order=order if payer == "user" else None,
    )


def on(a: PayerAttempt) -> Callable[[dict[str, Any]], bool]:
    return lambda v: v["order_id"] == a.payment.order_id


async def test_a_success_after_four_failures_of_one_card_is_caught_three_are_not(
    verdicts: Sent,
) -> None:
    card, calm = f"h-{uid()}", f"h-{uid()}"
    run = [attempt("card", card, "failed", 300 - 10 * n) for n in range(4)]
    success = attempt("card", card, "success", 200)
    ok = [attempt("card", calm, "failed", 300 - 10 * n) for n in range(3)]
    ok.append(attempt("card", calm, "success", 200))
    async with watch_payment_failures.test_context() as agent:
        await agent.put(encode_envelope([*ok, *run, success]))
        await verdicts.wait_for(on(success))

    judged = {v["order_id"]: v for v in verdicts.records}
    assert set(judged) == {run[3].payment.order_id, success.payment.order_id}
    verdict = judged[success.payment.order_id]
    [hit] = verdict["hits"]
    assert (hit["rule_id"], hit["entity"]) == ("risk.payment_failures", f"card:{card}")
    assert hit["observed"]["failures"] == 4
    assert hit["thresholds"] == {"max_failures": 3, "window_s": 600}
    assert verdict["key"] == f"{success.payment.payment_id}|card:{card}|risk.payment_failures@1"
    assert f"card:{card}" in verdict["entities"]
    assert sorted(hit["evidence"]) == sorted(a.payment.payment_id for a in run)


async def test_a_user_with_failures_spread_beyond_the_window_is_not_judged(
    verdicts: Sent,
) -> None:
    spread, marker = f"u-{uid()}", f"u-{uid()}"
    slow = [attempt("user", spread, "failed", 3000 - 700 * n) for n in range(4)]
    fast = [attempt("user", marker, "failed", 50 - n) for n in range(4)]
    async with watch_payment_failures.test_context() as agent:
        await agent.put(encode_envelope([*slow, *fast]))
        [verdict] = await verdicts.wait_for(on(fast[3]))

    assert verdict["shop_id"] == "shop-3" and f"user:{marker}" in verdict["entities"]
    assert [v for v in verdicts.records if f"user:{spread}" in v["entities"]] == []


async def test_an_allow_listed_card_gets_no_failure_hit(verdicts: Sent) -> None:
    card, marker = f"h-{uid()}", f"h-{uid()}"
    entry = AllowListChanged(
        id=f"a-{uid()}", entry=AllowEntry(rule_id="risk.payment_failures", entity=f"card:{card}")
    )
    allow_list.apply(entry)
    try:
        listed = [attempt("card", card, "failed", 60 - n) for n in range(6)]
        other = [attempt("card", marker, "failed", 60 - n) for n in range(4)]
        async with watch_payment_failures.test_context() as agent:
            await agent.put(encode_envelope([*listed, *other]))
            await verdicts.wait_for(on(other[3]))
    finally:
        allow_list.apply(AllowListChanged(id=entry.id, entry=None))

    assert [v for v in verdicts.records if f"card:{card}" in v["entities"]] == []
