"""What every order-judging risk agent shares: the live version of a rule, the allow-list
filter, the verdict, and its send.

A partial verdict goes to the order's partition of the risk-hits topic, where
``judge_orders`` sums every agent's hits on the order. When this process judges that
partition, the partial is also folded in at once (``judge_here``): the verdict goes out
in the rule's own hop instead of one broker round trip and batch later, and the same
partial read back from the topic changes nothing (folding is idempotent) and is not sent
again. The topic stays the record the judge's state is restored from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from warroom.rules.base import Hit
from warroom.rules.risk.verdict import verdict_for
from warroom.rules.rulebook import RuleVersion, rulebook
from warroom.schemas.decisions import Verdict
from warroom.schemas.events import Order, Payment
from warroom.schemas.internal import OrderSeen
from warroom.streams import stats, topics
from warroom.streams.allow_list import allow_list
from warroom.streams.codecs import decode_trusted
from warroom.streams.send import send_envelopes
from warroom.streams.shadow import shadow_outbox

Hits = list[tuple[Hit, RuleVersion]]
#: Folds partial verdicts into their orders' verdicts where this process judges them.
LocalJudge = Callable[[Sequence[Verdict]], Awaitable[None]]
_local: list[LocalJudge] = []


def judge_here(judge: LocalJudge) -> None:
    """Have ``send_verdicts`` hand every partial it sends to ``judge`` too."""
    _local[:] = [judge]


def live_rule(rule_id: str) -> RuleVersion | None:
    """The rule's current version, or None while it is switched off."""
    rule = rulebook.current(rule_id)
    return None if rule.mode == "off" else rule


def order_entities(order: Order) -> list[str]:
    """Every entity of an order an allow-list entry may name.

    >>> o = Order(event_id="e", ts="2024-11-11T00:00:00Z", order_id="o1", user_id="u1",
    ...           ip="10.0.0.1", device_id="d1", shop_id="s1", sku="k1", quantity=1,
    ...           unit_price="9.90", amount="9.90")
    >>> order_entities(o)
    ['order:o1', 'shop:s1', 'user:u1', 'ip:10.0.0.1', 'sku:k1', 'device:d1']
    """
    entities = [
        f"order:{order.order_id}",
        f"shop:{order.shop_id}",
        f"user:{order.user_id}",
        f"ip:{order.ip}",
        f"sku:{order.sku}",
    ]
    if order.device_id is not None:
        entities.append(f"device:{order.device_id}")
    if order.campaign_id is not None:
        entities.append(f"campaign:{order.campaign_id}")
    return entities


def payment_entities(payment: Payment, order: OrderSeen | None) -> list[str]:
    """Every entity of a payment (and of its order, when known) an allow-list entry may name."""
    entities = [f"order:{payment.order_id}", f"payment:{payment.payment_id}"]
    if payment.card_hash is not None:
        entities.append(f"card:{payment.card_hash}")
    if order is not None:
        entities += [f"shop:{order.shop_id}", f"user:{order.user_id}"]
    return entities


def decide_orders(
    judge: Callable[[Order, datetime], Verdict | None],
) -> Callable[[Sequence[bytes], datetime], list[Verdict]]:
    """A rule agent's decisions on envelopes of orders: ``judge`` on each order (the
    agent's batch body and its ``handover`` lane both call it)."""

    def decide(values: Sequence[bytes], now: datetime) -> list[Verdict]:
        return [v for raw in values for o in decode_trusted(Order, raw) if (v := judge(o, now))]

    return decide


def order_verdict(order: Order, hits: Hits, now: datetime) -> Verdict | None:
    """The verdict on ``order`` from the hits no allow-list entry silences (None: none)."""
    standing = allow_list.standing(hits, order_entities(order), now.timestamp())
    return verdict_for(order, standing, rulebook.current("risk.thresholds"), now)


async def send_verdicts(verdicts: Sequence[Verdict]) -> None:
    """Send one agent's (partial) verdicts to the order's partition, where ``judge_orders``
    sums every agent's hits on the order into its verdict."""
    stats.count("risk_hits", len(verdicts))
    await send_envelopes(topics.risk_hits, verdicts, key=lambda v: v.order_id)
    if verdicts:
        for judge in _local:  # sent first: the topic holds what the judge folded
            await judge(verdicts)
    await shadow_outbox.send()  # the comparisons judged beside these verdicts
