"""Split each paid order's commission among its levels (creator, distributors, brand)
with the rulebook's shares (``commission.splits``) and write the lines to the
commissions topic (the warehouse's ``commissions`` table; the profit report sums them).

Orders and payments arrive co-partitioned by order id; the ledger survives restarts
and rebalances (checkpoints + replay), and an order's lines go out once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import cast

from faust.types import StreamT

from warroom.app import app
from warroom.rules.commission import splits
from warroom.rules.rulebook import rulebook
from warroom.schemas.commission import CommissionLine, OrderMoney
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.batches import batches
from warroom.streams.codecs import decode_trusted
from warroom.streams.commission_state import PICKLED_CLASSES, OrderLedger, expired, upgrade
from warroom.streams.keyed_state import KeyedState
from warroom.streams.recovery import Recovery, admitted, follow_partitions
from warroom.streams.send import send_envelopes

_s = get_settings()


def add(raw: bytes) -> list[str]:
    """Count one message into the ledgers; the orders it touched."""
    touched = []
    for item in decode_trusted(OrderMoney, raw):
        ledgers.items.setdefault(item.order_id, OrderLedger()).add(item)
        touched.append(item.order_id)
    return touched


def replay(raw: bytes) -> None:
    """Replayed messages went out before: their orders are settled as they were."""
    for order_id in add(raw):
        ledger = ledgers.items[order_id]
        ledger.done = ledger.done or ledger.ready() is not None


ledgers: KeyedState[OrderLedger] = KeyedState(
    _s.partitions, replay, OrderLedger, upgrade, PICKLED_CLASSES
)
recovery = Recovery("split_commissions", ledgers)
follow_partitions(app, topics.order_payments, recovery)
_swept = [0.0]  # when ledgers were last swept for expired orders


def lines_of(order_id: str) -> list[CommissionLine]:
    """The order's commission lines, once it is paid (then never again)."""
    ledger = ledgers.items[order_id]
    paid = ledger.ready()
    rule = rulebook.current(splits.RULE_ID)
    if paid is None or ledger.order is None or rule.mode == "off":
        return []
    ledger.done = True
    o = ledger.order
    return [
        CommissionLine(
            key=f"{order_id}|{line.level}",
            order_id=order_id,
            shop_id=o.shop_id,
            campaign_id=o.campaign_id,
            creative_id=o.creative_id,
            creator_id=o.creator_id,
            level=line.level,
            role=line.role,
            party_id=line.party_id,
            share=line.share,
            base=paid.paid,
            amount=line.amount,
            rule_version=rule.version,
            paid_at=datetime.fromtimestamp(ledger.paid_at or o.ts, UTC),
        )
        for line in splits.split(paid, cast(splits.Params, rule.params))
    ]


@app.agent(topics.order_payments)
async def split_commissions(stream: StreamT[bytes]) -> None:
    events = batches(stream, _s.batch_max, _s.background_within_s)
    async for batch in events:
        touched: set[str] = set()
        for raw in await admitted(recovery, batch):
            touched.update(add(raw))
        out = [line for order_id in sorted(touched) for line in lines_of(order_id)]
        await send_envelopes(topics.commissions, out, key=lambda c: c.shop_id)
        now = time.time()
        if now - _swept[0] > 60:
            for order_id in expired(ledgers.items, now):
                del ledgers.items[order_id]
            _swept[0] = now
        await recovery.checkpoint(now)
